import { CrmError, type Logger } from "@santral-hub/sdk";
import { checkHeader, sniffDelimiter } from "./header.js";
import { indexRows, type Plan } from "./index-rows.js";
import { IndexTable } from "./index-table.js";
import { PLUGIN_NAME } from "./name.js";
import { Pace } from "./pace.js";
import { readText, type Text } from "./read.js";
import { CsvScanner } from "./scan.js";
import { type CsvConfig, mappedHeaders } from "./schema.js";

/** A row that could not be read: where it starts, and why in words (never its content). */
export interface Skip {
  line: number;
  reason: string;
}

export interface Loaded {
  table: IndexTable;
  skipped: Skip[];
  /** A hash of the file's bytes: the same file gives the same version on every hub node. */
  version: string;
}

/** Rows logged one by one per load; the rest are counted in the summary, so a broken export is not 10,000 lines. */
const SKIPS_LOGGED = 20;

/** The part of the file `delimiter: auto` looks at for the header line. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Reads the file into a fresh index, in slices that leave the event loop to other work between them. A
 * malformed row is logged with its line and skipped; a missing column or an empty file is a `bad_config`.
 */
export async function loadTable(file: string, config: CsvConfig, log: Logger): Promise<Loaded> {
  const pace = new Pace();
  let text: Text;
  try {
    text = await readText(file, config.encoding, pace);
  } catch (error) {
    throw unreadable(error, file);
  }
  const { bytes, start } = text;
  const delimiter =
    config.delimiter === "auto"
      ? sniffDelimiter(text.decode(start, Math.min(bytes.length, start + SNIFF_BYTES)))
      : config.delimiter;
  const scanner = new CsvScanner(bytes, text.encode(delimiter));

  // the header is the first line that is not empty
  const at = scanner.skipEmpty(start);
  if (at >= bytes.length) throw new CrmError("bad_config", PLUGIN_NAME, `${file} is empty: it needs a header line`);
  const line = 1 + scanner.breaks;
  scanner.read(at);
  const header = Array.from({ length: scanner.count }, (_, c) => scanner.cell(c, text.decode).trim());
  checkHeader(header, config.columns, file, delimiter, config.region);

  const { columns: cols, region } = config;
  const column = (name: string) => header.indexOf(name);
  const plan: Plan = {
    width: header.length,
    phones: cols.phone.map(column),
    customer: cols.customerNumber === undefined ? undefined : column(cols.customerNumber),
    dates: (["updatedAt", "createdAt"] as const).flatMap((key) => {
      const name = cols[key];
      return name === undefined ? [] : [[`columns.${key}`, column(name)] as [string, number]];
    }),
    region,
  };
  const skipped: Skip[] = [];
  const rows = await indexRows(scanner, text, { at: scanner.next, line: line + scanner.breaks }, plan, pace, (l, r) => {
    const skip = { line: l, reason: r };
    skipped.push(skip);
    if (skipped.length <= SKIPS_LOGGED) log.warn({ plugin: PLUGIN_NAME, file, ...skip }, "csv: skipped a row");
  });
  for (const [column, count] of rows.badDates) {
    log.warn(
      { plugin: PLUGIN_NAME, file, column, rows: count },
      "csv: dates not in ISO 8601, yyyy-mm-dd or dd.mm.yyyy",
    );
  }

  const table = new IndexTable({
    text,
    scanner,
    columns: new Map(mappedHeaders(cols).map(({ header: name }) => [name, column(name)])),
    offsets: rows.offsets,
    lines: rows.lines,
    byPhone: await rows.phones.index(pace),
    byCustomer: await rows.customers.index(pace),
    cols,
    source: PLUGIN_NAME,
  });
  return { table, skipped, version: text.version };
}

/**
 * A failure to read the file as a CrmError that names the file and the error's code. fs errors (ENOENT,
 * EACCES, a file over 2 GiB) carry only the path, and are kept as the cause for the hub's log.
 */
function unreadable(error: unknown, file: string): CrmError {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  const what = typeof code === "string" ? code : error instanceof Error ? error.name : "an unknown error";
  const cause = typeof syscall === "string" || typeof code === "string" ? { cause: error } : {};
  return new CrmError("bad_config", PLUGIN_NAME, `cannot read ${file} as CSV (${what})`, cause);
}
