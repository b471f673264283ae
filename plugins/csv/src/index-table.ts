import type { Contact, LookupQuery } from "@santral-hub/sdk";
import { customerKeyOf, phoneKey } from "./keys.js";
import type { NumberIndex } from "./number-index.js";
import type { Text } from "./read.js";
import { contactOf } from "./row.js";
import type { CsvScanner } from "./scan.js";
import type { CsvColumns } from "./schema.js";

/** What a table is made of: see {@link IndexTable}. */
export interface TableParts {
  text: Text;
  scanner: CsvScanner;
  /** Each mapped header's column. */
  columns: Map<string, number>;
  /** Where each good row starts in the bytes, and on which line, in file order. */
  offsets: Uint32Array;
  lines: Uint32Array;
  byPhone: NumberIndex;
  byCustomer: NumberIndex;
  cols: CsvColumns;
  source: string;
}

/**
 * The file in memory: its bytes, where each row starts, and which rows hold each phone number and each
 * customer number. A row's cells are decoded, and its contact built, only when a lookup hits it.
 */
export class IndexTable {
  constructor(private readonly parts: TableParts) {}

  get size(): number {
    return this.parts.offsets.length;
  }

  /** How many distinct numbers are indexed, for the load log line. */
  get numbers(): number {
    return this.parts.byPhone.size;
  }

  /** Rows matching the phone or the customer number, in file order, at most `limit`. */
  find(query: LookupQuery, limit: number): Contact[] {
    const { byPhone, byCustomer } = this.parts;
    const phone = query.phone ? phoneKey(query.phone.e164) : undefined;
    const digits = query.customerNumber?.replace(/\D/g, "") ?? "";
    const customer = digits ? customerKeyOf(digits) : undefined;
    const byNumber = phone === undefined ? [] : byPhone.rowsOf(phone);
    const byDigits = customer === undefined ? [] : byCustomer.rowsOf(customer);
    const found: Contact[] = [];
    // both lists are in file order: merge them
    for (let i = 0, j = 0; found.length < limit && (i < byNumber.length || j < byDigits.length); ) {
      const a = byNumber[i] ?? Number.POSITIVE_INFINITY;
      const b = byDigits[j] ?? Number.POSITIVE_INFINITY;
      const row = Math.min(a, b);
      if (a === row) i++;
      if (b === row) j++;
      const contact = this.contact(row);
      // a long customer number's key is a hash: the row itself says whether it is the one
      if (a !== row && contact.customerNumber?.replace(/\D/g, "") !== digits) continue;
      found.push(contact);
    }
    return found;
  }

  private contact(row: number): Contact {
    const { text, scanner, columns, offsets, lines, cols, source } = this.parts;
    scanner.read(offsets[row] as number);
    const cells: Record<string, string> = {};
    for (const [header, at] of columns) cells[header] = scanner.cell(at, text.decode);
    return contactOf(cells, lines[row] as number, cols, source);
  }
}
