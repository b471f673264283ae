import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCsv, tempDir, writeLines } from "./fixtures.js";

const TURKISH = ["ad_soyad;telefon;il", "ŞÜKRÜ GÜNDOĞDU;0544 100 00 00;İzmir", "Işıl Çağlar;0544 100 00 01;Muğla"];
const columns = { name: "ad_soyad", phone: "telefon", fields: { il: "il" } };

describe("encodings and delimiters", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it.for(["windows-1254", "iso-8859-9"])("reads a ;-separated %s export with Turkish letters", async (encoding) => {
    await writeLines(join(dir, "tr.csv"), TURKISH, encoding);
    const csv = await openCsv(dir, { file: "tr.csv", delimiter: ";", encoding, columns });
    const [first] = await csv.byPhone("05441000000");
    expect(first).toMatchObject({ name: "ŞÜKRÜ GÜNDOĞDU", fields: { il: "İzmir" } });
    expect((await csv.byPhone("05441000001"))[0]?.name).toBe("Işıl Çağlar");
    await csv.adapter.close?.();
  });

  it("strips a UTF-8 byte order mark, so the first header is found", async () => {
    await writeLines(join(dir, "bom.csv"), ["telefon;ad_soyad", "05441000000;Ayşe Kaya"], "utf-8", true);
    const csv = await openCsv(dir, {
      file: "bom.csv",
      delimiter: ";",
      columns: { phone: "telefon", name: "ad_soyad" },
    });
    expect((await csv.byPhone("05441000000"))[0]?.name).toBe("Ayşe Kaya");
    await csv.adapter.close?.();
  });

  it("reads the delimiter off the header line with delimiter: auto", async () => {
    await writeLines(join(dir, "auto.csv"), TURKISH);
    const csv = await openCsv(dir, { file: "auto.csv", delimiter: "auto", columns });
    expect(await csv.byPhone("05441000001")).toHaveLength(1);
    await csv.adapter.close?.();
  });

  it("reads CRLF line ends and a cell with a line break inside quotes", async () => {
    await writeLines(join(dir, "crlf.csv"), [
      "ad_soyad,telefon,il\r",
      '"Ali\nVeli",05441000000,Van\r',
      "Can,05441000001,Muş\r",
    ]);
    const csv = await openCsv(dir, { file: "crlf.csv", columns });
    expect((await csv.byPhone("05441000000"))[0]).toMatchObject({ id: "2", name: "Ali\nVeli" });
    expect((await csv.byPhone("05441000001"))[0]).toMatchObject({ id: "4", fields: { il: "Muş" } }); // the line it is on
    await csv.adapter.close?.();
  });
});
