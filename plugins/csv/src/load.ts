import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { CrmError, type Logger } from "@santral-hub/sdk";
import { type CsvError, parse } from "csv-parse";
import iconv from "iconv-lite";
import { checkHeader, sniffDelimiter } from "./header.js";
import { IndexTable } from "./index-table.js";
import { PLUGIN_NAME } from "./name.js";
import { mapRow } from "./row.js";
import type { CsvConfig } from "./schema.js";

export interface Loaded {
  table: IndexTable;
  skipped: number;
}

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
  let skipped = 0;
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
      checkHeader(header, config.columns, file, delimiter);
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
    skipped += 1;
    // never error.message: for some codes it quotes the cell, which may be a number or a name
    log.warn({ plugin: PLUGIN_NAME, file, line, reason: reason(error, header?.length ?? 0) }, "csv: skipped a row");
  });

  await pipeline(createReadStream(file), iconv.decodeStream(config.encoding), parser, async (rows) => {
    for await (const _ of rows);
  });
  if (!header) throw new CrmError("bad_config", PLUGIN_NAME, `${file} is empty: it needs a header line`);
  for (const [column, rows] of badDates) {
    log.warn({ plugin: PLUGIN_NAME, file, column, rows }, "csv: dates not in ISO 8601, yyyy-mm-dd or dd.mm.yyyy");
  }
  return { table, skipped };
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
