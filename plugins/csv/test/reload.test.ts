import { rename } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

const columns = { phone: "tel", name: "ad" };
const until = { timeout: 5_000, interval: 50 };

describe("reload when the file changes", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("answers from the new content once the file is rewritten", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe"]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe", "05441000001,Can"]);
    await vi.waitFor(async () => expect(await csv.byPhone("05441000001")).toHaveLength(1), until);
    await csv.adapter.close?.();
  });

  it("follows a file replaced by a rename, as editors and exports do", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe"]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    await writeLines(join(dir, "r.csv.tmp"), ["tel,ad", "05441000002,Ece"]);
    await rename(join(dir, "r.csv.tmp"), join(dir, "r.csv"));
    await vi.waitFor(async () => expect(await csv.byPhone("05441000000")).toEqual([]), until);
    expect(await csv.byPhone("05441000002")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("keeps the last good index and warns when the new file is broken", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe"]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    await writeLines(join(dir, "r.csv"), ["telefon,ad", "05441000001,Can"]);
    await vi.waitFor(
      () => expect(csv.log.warnings.at(-1)?.msg).toBe("csv: reload failed, keeping the last index"),
      until,
    );
    expect(csv.log.warnings.at(-1)?.reason).toMatch(/column "tel" \(columns.phone\) is not in the header/);
    expect(await csv.byPhone("05441000000")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("stops watching on close()", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe"]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    await csv.adapter.close?.();
    const loads = csv.log.all.length;
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000001,Can"]);
    await new Promise((r) => setTimeout(r, 600));
    expect(csv.log.all).toHaveLength(loads);
    expect(await csv.byPhone("05441000001")).toEqual([]);
  });
});
