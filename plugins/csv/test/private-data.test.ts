import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { memoryLog, openCsv, tempDir, writeLines } from "./fixtures.js";

// Every way a CSV can be wrong, with a customer's name, number and representative in the bad part, and
// everything that leaves the plugin scanned for them: log lines, error messages (the hub logs those, and
// `check` prints them), their causes, and the warnings `check` and `explain` show.

const PERSON = { first: "Ayşegül", last: "Yılmazer", rep: "Zeynep Demirtaş", phone: "05327654321", no: "77881234" };
const SECRETS = [PERSON.first, PERSON.last, "Zeynep", "Demirtaş", "5327654321", "7654321", PERSON.no];
const HEADER = "musteri_no;ad;soyad;telefon;temsilci;guncelleme";
const row = (cells: Partial<Record<"no" | "first" | "last" | "phone" | "rep" | "date", string>> = {}) =>
  [
    cells.no ?? PERSON.no,
    cells.first ?? PERSON.first,
    cells.last ?? PERSON.last,
    cells.phone ?? PERSON.phone,
    cells.rep ?? PERSON.rep,
    cells.date ?? "2026-10-01",
  ].join(";");
const columns = {
  customerNumber: "musteri_no",
  firstName: "ad",
  lastName: "soyad",
  phone: "telefon",
  ownerName: "temsilci",
  updatedAt: "guncelleme",
};
/** Rows of other people, so the good file has something to lose. */
const others = Array.from({ length: 30 }, (_, i) => `${i};Kişi;${i};0544100${String(i).padStart(4, "0")};;`);

/** Each broken file: what a file looks like when it arrives that way. */
const BROKEN: [string, string[], Record<string, unknown>?][] = [
  ["without its header line", [row(), ...others]],
  ["without its header line, and another delimiter", [row()], { delimiter: "," }],
  ["without its header line, one cell per row", [row().replaceAll(";", " ")]],
  ["with a header that lacks a mapped column", [HEADER.replace(";temsilci", ""), row().replace(`;${PERSON.rep}`, "")]],
  ["with a mapped column twice", [`${HEADER};soyad`, `${row()};${PERSON.last}`]],
  ["with a row of another number of columns", [HEADER, `${row()};${PERSON.rep}`, ...others]],
  ["with a quote inside a cell", [HEADER, row({ first: `Ayşe"gül` }), ...others]],
  ["with text after a closing quote", [HEADER, row({ first: `"Ayşegül"${PERSON.last}` }), ...others]],
  ["with a quote never closed", [HEADER, ...others.slice(0, 3), row({ rep: `"${PERSON.rep}` }), ...others.slice(3)]],
  ["with a date that cannot be read", [HEADER, row({ date: `${PERSON.first} 31.31.2026` }), ...others]],
  ["empty", []],
];
/** Only a reload can tell a file cut short: at start it is a small file. */
const CUT: [string, string[]] = ["cut short", [HEADER, row()]];

function expectNoPersonalData(what: unknown): void {
  const text = typeof what === "string" ? what : inspect(what, { depth: 8 });
  for (const secret of SECRETS) expect(text, `"${secret}" leaked`).not.toContain(secret);
}

describe("no personal data in what the plugin says about a bad file", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it.for(BROKEN)("a file %s, at start", async ([, lines, config]) => {
    await writeLines(join(dir, "c.csv"), lines);
    const log = memoryLog();
    let warned: string[] = [];
    try {
      const csv = await openCsv(dir, { file: "c.csv", delimiter: ";", watch: false, ...config, columns }, log);
      warned = [...(csv.adapter.data?.().warnings ?? []), ...log.warnings.map((w) => String(w.msg))];
    } catch (error) {
      expect((error as Error).message).toMatch(/^csv: /);
      expectNoPersonalData(error);
      warned = [(error as Error).message];
    }
    expect(warned.length, "the broken file went unnoticed").toBeGreaterThan(0);
    expectNoPersonalData(warned);
    expectNoPersonalData(log.all);
  });

  it.for([...BROKEN, CUT])("a file %s, on reload", async ([, lines]) => {
    await writeLines(join(dir, "c.csv"), [HEADER, row(), ...others]);
    const log = memoryLog();
    const csv = await openCsv(dir, { file: "c.csv", delimiter: ";", columns }, log);
    const seen = log.all.length;
    await writeLines(join(dir, "c.csv"), lines);
    // a reload ends in one of these: the new file swapped in, refused, or unreadable
    const ends = [
      "csv: loaded",
      "csv: reload refused, keeping the last index",
      "csv: reload failed, keeping the last index",
    ];
    await vi.waitFor(() => expect(log.all.slice(seen).some((e) => ends.includes(e.msg as string))).toBe(true), {
      timeout: 5000,
      interval: 25,
    });
    await csv.adapter.close?.();
    expectNoPersonalData(log.all);
    expectNoPersonalData(csv.adapter.data?.());
  });
});
