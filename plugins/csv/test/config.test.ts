import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/index.js";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

describe("config", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("reports a misspelt key with its path", () => {
    const result = configSchema.safeParse({ file: "a.csv", columns: { phone: "tel", ownerExt: "dahili" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["ownerExt"], path: ["columns"] });
  });

  it("fills in the defaults", () => {
    expect(configSchema.parse({ file: "a.csv", columns: { phone: "tel" } })).toEqual({
      ...{ file: "a.csv", delimiter: ",", encoding: "utf-8", region: "TR", limit: 10, watch: true },
      reload: { maxLoss: 0.5 },
      columns: { phone: ["tel"], fields: {} },
    });
  });

  it("rejects a reload.maxLoss that is not a share between 0 and 1", () => {
    const result = configSchema.safeParse({ file: "a.csv", reload: { maxLoss: 50 }, columns: { phone: "tel" } });
    expect(result.error?.issues[0]).toMatchObject({ path: ["reload", "maxLoss"], code: "too_big" });
  });

  it("rejects an encoding iconv-lite does not know", () => {
    const result = configSchema.safeParse({ file: "a.csv", encoding: "turkish-ish", columns: { phone: "tel" } });
    expect(result.error?.issues[0]).toMatchObject({
      path: ["encoding"],
      message: expect.stringContaining("windows-1254"),
    });
  });

  it("resolves a relative file against the tenant's config directory", async () => {
    await writeLines(join(dir, "rehber.csv"), ["tel", "05441000000"]);
    const csv = await openCsv(dir, { file: "./rehber.csv", columns: { phone: "tel" } });
    expect(await csv.byPhone("05441000000")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("rejects a missing file with bad_config, naming the path it tried", async () => {
    await expect(openCsv(dir, { file: "../yok.csv", columns: { phone: "tel" } })).rejects.toMatchObject({
      kind: "bad_config",
      message: `csv: file not found: tried ${join(dir, "..", "yok.csv")} ("../yok.csv" resolved against the tenant's config directory)`,
    });
  });

  it("rejects an empty file with bad_config", async () => {
    await writeLines(join(dir, "bos.csv"), []);
    await expect(openCsv(dir, { file: "bos.csv", columns: { phone: "tel" } })).rejects.toThrow(/needs a header line/);
  });
});
