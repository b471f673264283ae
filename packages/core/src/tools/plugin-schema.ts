import { z } from "zod";
import { loadPlugin } from "../plugins/load-plugin.js";
import { ToolError } from "./tool-error.js";

/** A JSON Schema, as zod writes it: enough of it to sketch a config. */
export interface ConfigSchema {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, ConfigSchema>;
  required?: string[];
  anyOf?: ConfigSchema[];
  oneOf?: ConfigSchema[];
  items?: ConfigSchema;
  enum?: unknown[];
  const?: unknown;
}

/**
 * The config a plugin takes, as a JSON Schema of its zod schema (input side: defaults are optional), for
 * `tenant add` to write a tenant file with every key the plugin knows, described.
 */
export async function pluginConfigSchema(
  adapter: string,
  from: string[],
): Promise<{ name: string; schema: ConfigSchema }> {
  let plugin: Awaited<ReturnType<typeof loadPlugin>>;
  try {
    plugin = await loadPlugin(adapter, from);
  } catch (error) {
    throw new ToolError("unknown_plugin", (error as Error).message);
  }
  const schema = z.toJSONSchema(plugin.configSchema, { io: "input", unrepresentable: "any" }) as ConfigSchema;
  return { name: plugin.name, schema };
}
