import type { Contact } from "@santral-hub/sdk";
import type { CsvColumns } from "./schema.js";

// "vip" lowercased the Turkish way is "vıp", so dotless ı is folded to i before comparing
const TRUTHY = new Set(["1", "true", "evet", "e", "yes", "x", "vip"]);

export function isTruthy(cell: string): boolean {
  return TRUTHY.has(cell.trim().toLocaleLowerCase("tr").replace(/ı/g, "i"));
}

/**
 * Whether the bytes are a date {@link isoTime} reads, for the common shapes only, without making a string:
 * `yyyy-mm-dd` and `dd.mm.yyyy` with a month of 01-12 and a day of 01-28 (valid in every month). False
 * means "ask isoTime", not "not a date".
 */
export function plainDate(b: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 10) return false;
  let [year, month, day] = [-1, -1, -1];
  if (b[start + 4] === 0x2d && b[start + 7] === 0x2d) {
    [year, month, day] = [digitsAt(b, start, 4), digitsAt(b, start + 5, 2), digitsAt(b, start + 8, 2)];
  } else if (b[start + 2] === 0x2e && b[start + 5] === 0x2e) {
    [day, month, year] = [digitsAt(b, start, 2), digitsAt(b, start + 3, 2), digitsAt(b, start + 6, 4)];
  }
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28;
}

/** The number `length` ASCII digits at `at` write, or -1 if they are not all digits. */
function digitsAt(b: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let p = at; p < at + length; p++) {
    const d = (b[p] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** ISO 8601 as is; `yyyy-mm-dd` as is; Turkish `dd.mm.yyyy[ hh:mm[:ss]]` rewritten to ISO. */
export function isoTime(cell: string): string | undefined {
  const text = cell.trim();
  const tr = text.match(/^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/);
  if (tr) {
    const [, d, m, y, hh, mm, ss] = tr;
    const date = `${y}-${m?.padStart(2, "0")}-${d?.padStart(2, "0")}`;
    const iso = hh ? `${date}T${hh.padStart(2, "0")}:${mm}:${ss ?? "00"}` : date;
    return Number.isNaN(Date.parse(iso)) ? undefined : iso;
  }
  return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text)) ? text : undefined;
}

/**
 * The contact a row answers with, from its mapped cells (by header name) and the line it starts on. Built
 * when a lookup hits the row, never at load: a fresh object each time, so a caller that re-cases a name
 * cannot change what the next call gets.
 */
export function contactOf(cells: Record<string, string>, line: number, cols: CsvColumns, source: string): Contact {
  const text = (header: string | undefined) => (header === undefined ? "" : (cells[header] ?? "").trim());
  const set = <K extends keyof Contact>(c: Contact, key: K, value: Contact[K] | "") => {
    if (value !== "" && value !== undefined) c[key] = value as Contact[K];
  };

  // phones stay verbatim: core verifies them, and a trimmed or re-formatted copy could hide what was stored
  const phones = cols.phone.map((h) => cells[h] ?? "").filter((cell) => cell.trim() !== "");
  const contact: Contact = {
    id: text(cols.id) || String(line),
    source,
    kind: text(cols.kind) || "row",
    phones,
    fields: {},
  };
  set(contact, "firstName", text(cols.firstName));
  set(contact, "lastName", text(cols.lastName));
  set(contact, "name", text(cols.name) || [contact.firstName, contact.lastName].filter(Boolean).join(" "));
  set(contact, "company", text(cols.company));
  if (cols.vip) contact.vip = isTruthy(text(cols.vip));
  const tags = text(cols.tags)
    .split(/[,;|]/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length > 0) contact.tags = tags;
  const owner = { name: text(cols.ownerName), extension: text(cols.ownerExtension) };
  if (owner.name || owner.extension) {
    contact.owner = {};
    if (owner.name) contact.owner.name = owner.name;
    if (owner.extension) contact.owner.extension = owner.extension;
  }
  set(contact, "customerNumber", text(cols.customerNumber));
  for (const [key, header] of Object.entries(cols.fields)) {
    const value = text(header);
    if (value) contact.fields[key] = value;
  }

  for (const key of ["updatedAt", "createdAt"] as const) {
    const iso = isoTime(text(cols[key]));
    if (iso) contact[key] = iso;
  }
  return contact;
}
