import { join } from "node:path";
import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { SEED_COLUMNS, seedCsv, tempDir, writeLines } from "./fixtures.js";

testPlugin({
  plugin,
  seed: async (records) => {
    const { dir, cleanup } = await tempDir();
    await writeLines(join(dir, "contacts.csv"), seedCsv(records));
    return {
      config: { file: join(dir, "contacts.csv"), delimiter: ";", watch: false, columns: SEED_COLUMNS },
      cleanup,
    };
  },
  unavailable: () => ({ file: join("/nonexistent", "contacts.csv"), columns: { phone: "telefon" } }),
  unavailableKind: "bad_config", // a CSV file has no outage: a missing file is the tenant's config to fix
});
