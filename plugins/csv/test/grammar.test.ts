import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

const columns = { id: "no", phone: ["telefon", "cep"], name: "ad", customerNumber: "musteri", fields: { not: "not" } };
const HEADER = "no;musteri;ad;telefon;cep;not";

describe("the CSV grammar the index reads", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("indexes and decodes quoted cells with delimiters, quotes and line breaks inside", async () => {
    await writeLines(join(dir, "q.csv"), [
      HEADER,
      '1;"MN-0042";"Ali; Veli";"0544 100 00 00";;"satır bir',
      'satır iki; üç"',
      '2;43;"Ayşe ""Kızım"" Kaya";05441000001;"0532 111 22 33 ""iş""";""',
      '"3";"44";Can;"+90 (544) 100-00-02";;"a;b"',
    ]);
    const csv = await openCsv(dir, { file: "q.csv", delimiter: ";", columns });
    expect((await csv.byPhone("05441000000"))[0]).toMatchObject({
      ...{ id: "1", name: "Ali; Veli", customerNumber: "MN-0042", phones: ["0544 100 00 00"] },
      fields: { not: "satır bir\nsatır iki; üç" },
    });
    // a quoted cell with "" in it is read by phonesIn, which finds the number among the text
    const [ayse] = await csv.byPhone("05321112233");
    expect(ayse).toMatchObject({ id: "2", name: 'Ayşe "Kızım" Kaya', phones: ["05441000001", '0532 111 22 33 "iş"'] });
    expect(ayse?.fields).toEqual({});
    expect((await csv.byPhone("05441000002"))[0]).toMatchObject({ id: "3", fields: { not: "a;b" } });
    expect((await csv.byCustomer("0042")).map((c) => c.id)).toEqual(["1"]);
    expect((await csv.byCustomer("44")).map((c) => c.id)).toEqual(["3"]);
    expect(csv.log.warnings).toEqual([]);
    await csv.adapter.close?.();
  });

  it("counts lines across quoted line breaks, CRLF, LF, lone CR and empty lines, for the default id", async () => {
    const text = ["tel;ad", '05441000000;"a\r\nb"', "", "05441000001;c\r05441000002;d", "\r\n05441000003;e"].join("\n");
    await writeFile(join(dir, "l.csv"), text);
    const csv = await openCsv(dir, { file: "l.csv", delimiter: ";", columns: { phone: "tel", name: "ad" } });
    const ids = await Promise.all(["05441000000", "05441000001", "05441000002", "05441000003"].map(csv.byPhone));
    expect(ids.map((found) => found[0]?.id)).toEqual(["2", "5", "6", "8"]);
    expect((await csv.byPhone("05441000000"))[0]?.name).toBe("a\r\nb");
    await csv.adapter.close?.();
  });

  it("counts the lines of a long quoted cell (past where it is searched natively for its end)", async () => {
    const long = `${"uzun not ".repeat(60)}\r\n${"ikinci ".repeat(50)}\n""alıntı""\r${"son ".repeat(80)}`;
    await writeLines(join(dir, "long.csv"), ["tel;ad;not", `05441000000;Ali;"${long}"`, "05441000001;Can;kısa"]);
    const csv = await openCsv(dir, {
      file: "long.csv",
      delimiter: ";",
      columns: { phone: "tel", fields: { not: "not" } },
    });
    expect((await csv.byPhone("05441000000"))[0]?.fields.not).toBe(long.replaceAll('""', '"').trim());
    expect((await csv.byPhone("05441000001"))[0]?.id).toBe("6"); // after CRLF, LF and CR in the cell
    await csv.adapter.close?.();
  });

  it("skips a row with text after a closing quote alone, and reads the rows after it", async () => {
    await writeLines(join(dir, "t.csv"), [HEADER, '1;1;"Ali"Veli;05441000000;;', "2;2;Can;05441000001;;"]);
    const csv = await openCsv(dir, { file: "t.csv", delimiter: ";", columns });
    expect(csv.log.warnings.map((w) => [w.line, w.reason])).toEqual([[2, "text after a closing quote"]]);
    expect(await csv.byPhone("05441000000")).toEqual([]);
    expect(await csv.byPhone("05441000001")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("reads UTF-16 (converted to UTF-8 first) and a delimiter of several bytes", async () => {
    const rows = ["ad§telefon", "Şükrü Işık§0544 100 00 00", "Çağla§05441000001"];
    await writeFile(join(dir, "u16.csv"), iconv.encode(`${rows.join("\r\n")}\r\n`, "utf-16", { addBOM: true }));
    const u16 = await openCsv(dir, {
      file: "u16.csv",
      encoding: "utf-16",
      delimiter: "§",
      columns: { phone: "telefon", name: "ad" },
    });
    expect((await u16.byPhone("05441000000"))[0]).toMatchObject({ id: "2", name: "Şükrü Işık" });
    await u16.adapter.close?.();
    await writeLines(join(dir, "u8.csv"), rows);
    const u8 = await openCsv(dir, { file: "u8.csv", delimiter: "§", columns: { phone: "telefon", name: "ad" } });
    expect((await u8.byPhone("05441000001"))[0]).toMatchObject({ id: "3", name: "Çağla" });
    await u8.adapter.close?.();
  });

  it("reads numbers of other regions with phonesIn", async () => {
    await writeLines(join(dir, "de.csv"), ["tel,ad", "030 1234567,Jan", "+90 544 100 00 00,Ayşe"]);
    const csv = await openCsv(dir, { file: "de.csv", region: "DE", columns: { phone: "tel", name: "ad" } });
    expect((await csv.byPhone("+49301234567"))[0]?.name).toBe("Jan");
    expect((await csv.byPhone("+905441000000"))[0]?.name).toBe("Ayşe");
    await csv.adapter.close?.();
  });
});
