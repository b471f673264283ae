import { join } from "node:path";
import { isCrmError } from "@santral-hub/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

describe("column mapping", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("indexes every number in every phone column and returns the non-empty cells verbatim", async () => {
    await writeLines(join(dir, "p.csv"), [
      "ad;telefon;cep;is",
      "Ayşe; 0212 555 12 34 ;cep: 0544 100 00 00 / 0544 100 00 01;",
      "Can;;;+90 (532) 100-0002",
    ]);
    const csv = await openCsv(dir, { file: "p.csv", delimiter: ";", columns: { phone: ["telefon", "cep", "is"] } });
    for (const n of ["02125551234", "05441000000", "05441000001"]) {
      expect((await csv.byPhone(n))[0]?.phones).toEqual([" 0212 555 12 34 ", "cep: 0544 100 00 00 / 0544 100 00 01"]);
    }
    expect((await csv.byPhone("05321000002"))[0]).toMatchObject({ id: "3", phones: ["+90 (532) 100-0002"] });
    await csv.adapter.close?.();
  });

  it("maps names as stored, VIP values, owner, tags, kind, dates and fields", async () => {
    await writeLines(join(dir, "m.csv"), [
      "ad;soyad;tel;vip;temsilci;dahili;etiket;tur;guncel;seg",
      "İLKER;IŞIK;05441000000;VIP;Elif Şahin;211;altın, istanbul |kurumsal;Lead;05.03.2025 14:30;A",
      "Ece;Kaya;05441000001;hayır;;;;;2025-01-02;",
    ]);
    const columns = {
      ...{ firstName: "ad", lastName: "soyad", phone: "tel", vip: "vip", ownerName: "temsilci" },
      ...{ ownerExtension: "dahili", tags: "etiket", kind: "tur", updatedAt: "guncel", fields: { segment: "seg" } },
    };
    const csv = await openCsv(dir, { file: "m.csv", delimiter: ";", columns });
    expect((await csv.byPhone("05441000000"))[0]).toEqual({
      ...{ id: "2", source: "csv", kind: "Lead", phones: ["05441000000"], vip: true },
      ...{ firstName: "İLKER", lastName: "IŞIK", name: "İLKER IŞIK", tags: ["altın", "istanbul", "kurumsal"] },
      ...{
        owner: { name: "Elif Şahin", extension: "211" },
        updatedAt: "2025-03-05T14:30:00",
        fields: { segment: "A" },
      },
    });
    expect((await csv.byPhone("05441000001"))[0]).toMatchObject({ kind: "row", vip: false, updatedAt: "2025-01-02" });
    await csv.adapter.close?.();
  });

  it.for(["1", "true", "EVET", "e", "Yes", "x", "VIP", "vıp"])("reads %j as VIP", async (value) => {
    await writeLines(join(dir, "v.csv"), ["tel,vip", `05441000000,${value}`]);
    const csv = await openCsv(dir, { file: "v.csv", columns: { phone: "tel", vip: "vip" } });
    expect((await csv.byPhone("05441000000"))[0]?.vip).toBe(true);
    await csv.adapter.close?.();
  });

  it("finds rows by customer number, digits compared, leading zeros kept", async () => {
    await writeLines(join(dir, "c.csv"), ["no,tel", "MN-0042,05441000000", "42,05441000001"]);
    const csv = await openCsv(dir, { file: "c.csv", columns: { phone: "tel", customerNumber: "no", id: "no" } });
    expect((await csv.byCustomer("0042")).map((c) => c.id)).toEqual(["MN-0042"]);
    expect((await csv.byCustomer("42")).map((c) => c.id)).toEqual(["42"]);
    expect(await csv.byCustomer("")).toEqual([]);
    await csv.adapter.close?.();
  });

  it("returns a shared number's rows in file order, capped at limit", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `${i},0212 555 00 00`);
    await writeLines(join(dir, "s.csv"), ["no,tel", ...rows]);
    const csv = await openCsv(dir, { file: "s.csv", limit: 4, columns: { phone: "tel", id: "no" } });
    expect((await csv.byPhone("02125550000")).map((c) => c.id)).toEqual(["0", "1", "2", "3"]);
    await csv.adapter.close?.();
  });

  it("rejects a mapping that names a column missing from the header, naming what it did find", async () => {
    await writeLines(join(dir, "h.csv"), ["ad,telefon,il", "Ayşe,05441000000,Ankara"]);
    const open = openCsv(dir, { file: "h.csv", columns: { phone: ["telefon", "cep"], name: "ad" } });
    await expect(open).rejects.toSatisfy(isCrmError);
    await expect(open).rejects.toMatchObject({
      kind: "bad_config",
      message: `csv: column "cep" (columns.phone) is not in the header of ${join(dir, "h.csv")}; of the header's 3 columns, the mapping finds "ad", "telefon"`,
    });
  });

  it("points at a header name that differs only in case, and at a header line that is missing", async () => {
    await writeLines(join(dir, "c.csv"), ["Ad,Telefon", "Ayşe,05441000000"]);
    await expect(openCsv(dir, { file: "c.csv", columns: { phone: "telefon", name: "ad" } })).rejects.toThrow(
      'none of the header\'s 2 columns is one the mapping names; the header has "Ad", "Telefon": names must match exactly, case and spaces too',
    );
    await writeLines(join(dir, "n.csv"), ["Ayşe,05441000000", "Can,05441000001"]);
    await expect(openCsv(dir, { file: "n.csv", columns: { phone: "telefon", name: "ad" } })).rejects.toThrow(
      "its column 2 holds a phone number: is the header line missing?",
    );
  });

  it("rejects a header that names a mapped column twice", async () => {
    await writeLines(join(dir, "t.csv"), ["telefon,ad,telefon", "05441000000,Ayşe,05441000001"]);
    await expect(openCsv(dir, { file: "t.csv", columns: { phone: "telefon" } })).rejects.toThrow(
      `csv: column "telefon" (columns.phone) is in the header of ${join(dir, "t.csv")} more than once (columns 1 and 3): rename all but one`,
    );
  });

  it("suggests the delimiter when the header did not split", async () => {
    await writeLines(join(dir, "d.csv"), ["ad;telefon", "Ayşe;05441000000"]);
    await expect(openCsv(dir, { file: "d.csv", columns: { phone: "telefon" } })).rejects.toThrow(
      /is the delimiter right\? it is ",", the header contains ";"/,
    );
  });
});
