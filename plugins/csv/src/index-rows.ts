import { phonesIn } from "@santral-hub/sdk";
import { Uint32Chunks } from "./chunks.js";
import { customerKey, phoneKey } from "./keys.js";
import { NumberPairs } from "./number-index.js";
import type { Pace } from "./pace.js";
import type { Text } from "./read.js";
import { isoTime, plainDate } from "./row.js";
import type { CsvScanner, Flaw } from "./scan.js";
import { DEFER, turkishNumber } from "./tr-phone.js";

/** Which columns the index reads, by position in the header. */
export interface Plan {
  width: number;
  phones: number[];
  customer: number | undefined;
  /** Date columns, by config path (`columns.updatedAt`): a cell that cannot be read is counted at load. */
  dates: [path: string, column: number][];
  region: string;
}

export interface IndexedRows {
  offsets: Uint32Array;
  lines: Uint32Array;
  phones: NumberPairs;
  customers: NumberPairs;
  /** Rows whose date could not be read, by config path. */
  badDates: Map<string, number>;
}

const FLAWS: Record<Flaw, string> = {
  "unclosed quote": "a quote opened on this row is never closed: the rest of the file is skipped",
  "opening quote": "a quote inside an unquoted cell",
  "closing quote": "text after a closing quote",
};

/**
 * Reads every row after the header, from `at` (on line `line`), keeping of each good row only where it
 * starts, its line, and the numbers a lookup searches by; a malformed row goes to `skip` with its start line.
 * Phone cells are read straight off the bytes where they are plainly Turkish, by `phonesIn` otherwise.
 */
export async function indexRows(
  scanner: CsvScanner,
  text: Text,
  from: { at: number; line: number },
  plan: Plan,
  pace: Pace,
  skip: (line: number, reason: string) => void,
): Promise<IndexedRows> {
  const bytes = text.bytes;
  const { starts, ends } = scanner;
  const cell = (c: number) => scanner.cell(c, text.decode);
  const fast = plan.region === "TR";
  const out = {
    offsets: new Uint32Chunks(),
    lines: new Uint32Chunks(),
    phones: new NumberPairs(),
    customers: new NumberPairs(),
    badDates: new Map<string, number>(),
  };
  let at = scanner.skipEmpty(from.at);
  let line = from.line + scanner.breaks;
  for (let n = 1; at < bytes.length; n++) {
    scanner.read(at);
    if (scanner.flaw) skip(line, FLAWS[scanner.flaw]);
    else if (scanner.count !== plan.width) skip(line, `the row has ${scanner.count} columns, the header ${plan.width}`);
    else {
      const row = out.offsets.push(at);
      out.lines.push(line);
      for (const c of plan.phones) {
        const key = fast ? turkishNumber(bytes, starts[c] as number, ends[c] as number) : DEFER;
        if (key > 0) out.phones.add(key, row);
        else if (key === DEFER) {
          for (const e164 of phonesIn(cell(c), plan.region)) {
            const k = phoneKey(e164);
            if (k !== undefined) out.phones.add(k, row);
          }
        }
      }
      if (plan.customer !== undefined) {
        const key = customerKey(bytes, starts[plan.customer] as number, ends[plan.customer] as number);
        if (key !== undefined) out.customers.add(key, row);
      }
      for (const [path, c] of plan.dates) {
        if (plainDate(bytes, starts[c] as number, ends[c] as number)) continue;
        const value = cell(c).trim();
        if (value && !isoTime(value)) out.badDates.set(path, (out.badDates.get(path) ?? 0) + 1);
      }
    }
    line += scanner.breaks;
    at = scanner.skipEmpty(scanner.next);
    line += scanner.breaks;
    if ((n & 63) === 0 && pace.due()) await pace.yield();
  }
  return { ...out, offsets: await out.offsets.flat(pace), lines: await out.lines.flat(pace) };
}
