import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { CrmError, isCrmError, type Logger } from "@santral-hub/sdk";
import { type CsvError, parse } from "csv-parse";
import iconv from "iconv-lite";
import { checkHeader, sniffDelimiter } from "./header.js";
import { IndexTable } from "./index-table.js";
import { PLUGIN_NAME } from "./name.js";
import { mapRow } from "./row.js";
import type { CsvConfig } from "./schema.js";

/** A row the parser could not read: where it starts, and why in words (never its content). */
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

/** Where the parser is: the last line a record (or a skipped one) ended on, and the empty lines seen by then. */
interface Position {
  lines: number;
  empty_lines: number;
}

/**
 * Streams the file through the decoder and the parser into a fresh index. A malformed row is logged with
 * its line and skipped; a missing column or an empty file is a `bad_config`.
 */
export async function loadTable(file: string, config: CsvConfig, log: Logger): Promise<Loaded> {
  const delimiter = config.delimiter === "auto" ? await sniffDelimiter(file, config.encoding) : config.delimiter;
  const table = new IndexTable();
  const badDates = new Map<string, number>();
  let header: string[] | undefined;
  const skipped: Skip[] = [];
  // csv-parse reports the line a record ends on; a quoted cell may span lines, so the start line is
  // one past where the previous record ended, plus the empty lines skipped in between
  let last: Position = { lines: 0, empty_lines: 0 };
  const startLine = (at: Position) => last.lines + 1 + (at.empty_lines - last.empty_lines);

  const parser = parse({
    delimiter,
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    columns: (names: string[]) => {
      header = names.map((n) => n.trim());
      checkHeader(header, config.columns, file, delimiter, config.region);
      last = { lines: parser.info.lines, empty_lines: parser.info.empty_lines };
      return header;
    },
    // rows are indexed here, in parse order, and dropped from the stream
    on_record: (record: Record<string, string>, info) => {
      const line = startLine(info);
      last = info;
      const row = mapRow(record, line, config.columns, PLUGIN_NAME, config.region);
      for (const path of row.badDates) badDates.set(path, (badDates.get(path) ?? 0) + 1);
      table.add(row);
      return null;
    },
  });
  parser.on("skip", (error: CsvError & Position) => {
    const line = startLine(error);
    last = error;
    // never error.message: for some codes it quotes the cell, which may be a number or a name
    const skip = { line, reason: reason(error, header?.length ?? 0) };
    skipped.push(skip);
    if (skipped.length <= SKIPS_LOGGED) log.warn({ plugin: PLUGIN_NAME, file, ...skip }, "csv: skipped a row");
  });

  const hash = createHash("sha256");
  try {
    await pipeline(
      createReadStream(file),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      iconv.decodeStream(config.encoding),
      parser,
      async (rows) => {
        for await (const _ of rows);
      },
    );
  } catch (error) {
    throw unreadable(error, file);
  }
  if (!header) throw new CrmError("bad_config", PLUGIN_NAME, `${file} is empty: it needs a header line`);
  for (const [column, rows] of badDates) {
    log.warn({ plugin: PLUGIN_NAME, file, column, rows }, "csv: dates not in ISO 8601, yyyy-mm-dd or dd.mm.yyyy");
  }
  return { table, skipped, version: hash.digest("base64url").slice(0, 16) };
}

/**
 * A failure of the read or of the parser as a CrmError that names the file and the error's code. Never the
 * parser's message or the error itself as the cause: csv-parse quotes the record and the cell in both.
 */
function unreadable(error: unknown, file: string): CrmError {
  if (isCrmError(error)) return error;
  const { code, lines, syscall } = error as { code?: unknown; lines?: unknown; syscall?: unknown };
  const at = typeof lines === "number" ? ` at line ${lines}` : "";
  const what = typeof code === "string" ? code : error instanceof Error ? error.name : "an unknown error";
  // fs errors (ENOENT, EACCES) carry only the path, and are kept as the cause for the hub's log
  const cause = typeof syscall === "string" ? { cause: error } : {};
  return new CrmError("bad_config", PLUGIN_NAME, `cannot read ${file} as CSV${at} (${what})`, cause);
}

function reason(error: CsvError, columns: number): string {
  switch (error.code) {
    case "CSV_RECORD_INCONSISTENT_COLUMNS":
      return `the row has ${Array.isArray(error.record) ? error.record.length : "another number of"} columns, the header ${columns}`;
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quote opened on this row is never closed: the rest of the file is skipped";
    case "INVALID_OPENING_QUOTE":
      return "a quote inside an unquoted cell";
    case "CSV_INVALID_CLOSING_QUOTE":
      return "text after a closing quote";
    default:
      return error.code;
  }
}
