import { isAbsolute, resolve } from "node:path";
import { definePlugin } from "@santral-hub/sdk";
import { createCsvAdapter } from "./adapter.js";
import { PLUGIN_NAME } from "./name.js";
import { configSchema } from "./schema.js";

export { PLUGIN_NAME } from "./name.js";
export { type CsvConfig, configSchema } from "./schema.js";

/** `crm.adapter: csv`: callers looked up in a CSV file, indexed in memory and reloaded when it changes. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  capabilities: { customerNumber: true },
  create(config, ctx) {
    const file = isAbsolute(config.file) ? config.file : resolve(ctx.configDir, config.file);
    return createCsvAdapter(file, config.file, config, ctx.log);
  },
  describeSearch: ({ columns }, by) => ({
    fields: by === "phone" ? columns.phone : columns.customerNumber ? [columns.customerNumber] : [],
    ...(columns.kind ? { kinds: { column: columns.kind } } : {}),
  }),
});

export default plugin;
