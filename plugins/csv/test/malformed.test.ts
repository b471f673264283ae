import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

const columns = { id: "no", phone: "telefon", name: "ad" };

describe("malformed rows", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("skips a row with the wrong number of columns, warns with its line, and indexes the rows after it", async () => {
    await writeLines(join(dir, "bad.csv"), [
      "no;telefon;ad", // line 1
      "1;05441000000;Ayşe", // 2
      "", // 3: empty lines are not rows
      "2;05441000001", // 4: a column short
      '3;05441000002;"Ali', // 5: a quoted cell over two lines
      'Veli"', // 6
      "4;05441000003;Can;fazla", // 7: a column too many
      "5;05441000004;Ece", // 8
    ]);
    const csv = await openCsv(dir, { file: "bad.csv", delimiter: ";", columns });
    expect(csv.log.warnings.map((w) => [w.line, w.reason])).toEqual([
      [4, "the row has 2 columns, the header 3"],
      [7, "the row has 4 columns, the header 3"],
    ]);
    expect(await csv.byPhone("05441000001")).toEqual([]);
    expect(await csv.byPhone("05441000003")).toEqual([]);
    expect((await csv.byPhone("05441000002"))[0]?.id).toBe("3");
    expect((await csv.byPhone("05441000004"))[0]?.id).toBe("5");
    expect(csv.log.all.find((e) => e.msg === "csv: loaded")).toMatchObject({ rows: 3, skipped: 2 });
    await csv.adapter.close?.();
  });

  it("skips a row with a stray quote and warns without quoting the cell", async () => {
    await writeLines(join(dir, "quote.csv"), ["no;telefon;ad", '1;05441000000;Ay"şe', "2;05441000001;Can"]);
    const csv = await openCsv(dir, { file: "quote.csv", delimiter: ";", columns });
    expect(csv.log.warnings).toHaveLength(1);
    expect(csv.log.warnings[0]).toMatchObject({ line: 2, reason: "a quote inside an unquoted cell" });
    expect(JSON.stringify(csv.log.all)).not.toMatch(/05441000000|Ay"şe/);
    expect(await csv.byPhone("05441000001")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("reports where a quote that is never closed starts, keeping the rows before it", async () => {
    await writeLines(join(dir, "open.csv"), [
      "no;telefon;ad",
      "1;05441000000;Ayşe",
      '2;05441000001;"Can',
      "3;05441000002;Ece",
    ]);
    const csv = await openCsv(dir, { file: "open.csv", delimiter: ";", columns });
    expect(csv.log.warnings.map((w) => w.line)).toEqual([3]);
    expect(await csv.byPhone("05441000000")).toHaveLength(1);
    await csv.adapter.close?.();
  });
});
