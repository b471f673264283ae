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

  /** Header and `n` rows: tel 0544100000x, name `Kişi x`. */
  const people = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `0544${String(1_000_000 + from + i).padStart(7, "0")},Kişi ${from + i}`);

  it("refuses a file cut short, keeps answering from the last good index, and says so", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", ...people(40)]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    const before = csv.adapter.data?.();
    await writeLines(join(dir, "r.csv"), ["tel,ad", ...people(10)]);
    await vi.waitFor(
      () => expect(csv.log.warnings.at(-1)?.msg).toBe("csv: reload refused, keeping the last index"),
      until,
    );
    expect(csv.log.warnings.at(-1)).toMatchObject({ rows: 10, inUse: 40, skipped: 0 });
    expect(csv.log.warnings.at(-1)?.reason).toBe(
      "it has 10 rows, 75% fewer than the 40 in use (more than reload.maxLoss: 0.5)",
    );
    expect(await csv.byPhone("05441000039")).toHaveLength(1);
    expect(csv.adapter.data?.().version).toBe(before?.version);
    expect(csv.adapter.data?.().warnings).toEqual([
      `a reload of ${join(dir, "r.csv")} was refused, it has 10 rows, 75% fewer than the 40 in use (more than reload.maxLoss: 0.5): calls are answered from the last good copy (40 rows)`,
    ]);

    // the whole file again, one row more: swapped in, under a new version, and the warning is gone
    await writeLines(join(dir, "r.csv"), ["tel,ad", ...people(41)]);
    await vi.waitFor(async () => expect(await csv.byPhone("05441000040")).toHaveLength(1), until);
    expect(csv.adapter.data?.().version).not.toBe(before?.version);
    expect(csv.adapter.data?.().warnings).toEqual([]);
    await csv.adapter.close?.();
  });

  it("refuses a file with a quote left open, which would lose every row after it", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", ...people(20)]);
    const csv = await openCsv(dir, { file: "r.csv", columns });
    const rows = people(20);
    rows[2] = '05441000002,"Kişi 2';
    await writeLines(join(dir, "r.csv"), ["tel,ad", ...rows]);
    await vi.waitFor(
      () => expect(csv.log.warnings.at(-1)?.msg).toBe("csv: reload refused, keeping the last index"),
      until,
    );
    expect(csv.log.warnings.at(-1)).toMatchObject({ rows: 2, inUse: 20, skipped: 1, lines: [4] });
    expect(csv.log.warnings.at(-1)?.reason).toBe(
      "it has 1 malformed row where the file in use has 0 (line 4 (a quote opened on this row is never closed: the rest of the file is skipped))",
    );
    expect(await csv.byPhone("05441000019")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("still reloads a file whose one bad row was there when it loaded, and reloads anything with maxLoss 1", async () => {
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe,fazla", ...people(10, 1)]);
    const csv = await openCsv(dir, { file: "r.csv", reload: { maxLoss: 1 }, columns });
    expect(csv.adapter.data?.().warnings).toEqual([
      `1 row of ${join(dir, "r.csv")} skipped: line 2 (the row has 3 columns, the header 2)`,
    ]);
    await writeLines(join(dir, "r.csv"), ["tel,ad", "05441000000,Ayşe,fazla", ...people(1, 20)]);
    await vi.waitFor(async () => expect(await csv.byPhone("05441000020")).toHaveLength(1), until);
    expect(await csv.byPhone("05441000001")).toEqual([]);
    await csv.adapter.close?.();
  });

  it("gives the same file the same version in every process, and another file another", async () => {
    await writeLines(join(dir, "a.csv"), ["tel,ad", ...people(3)]);
    await writeLines(join(dir, "b.csv"), ["tel,ad", ...people(3, 1)]);
    const [a1, a2, b] = await Promise.all([
      openCsv(dir, { file: "a.csv", watch: false, columns }),
      openCsv(dir, { file: "a.csv", watch: false, columns }),
      openCsv(dir, { file: "b.csv", watch: false, columns }),
    ]);
    expect(a1.adapter.data?.().version).toMatch(/^[\w-]{16}$/);
    expect(a1.adapter.data?.().version).toBe(a2.adapter.data?.().version);
    expect(b.adapter.data?.().version).not.toBe(a1.adapter.data?.().version);
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
