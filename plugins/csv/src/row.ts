import type { Contact } from "@santral-hub/sdk";
import { phonesIn } from "@santral-hub/sdk";
import type { CsvColumns } from "./schema.js";

/** One data row, mapped once at load time: the contact it answers with and the keys it is indexed by. */
export interface MappedRow {
  contact: Contact;
  /** Every number found in its phone cells, as E.164. */
  numbers: string[];
  /** Its customer number, digits only. */
  customerKey?: string;
  /** Date cells that could not be read, by column path; reported once per load. */
  badDates: string[];
}

// "vip" lowercased the Turkish way is "vıp", so dotless ı is folded to i before comparing
const TRUTHY = new Set(["1", "true", "evet", "e", "yes", "x", "vip"]);

export function isTruthy(cell: string): boolean {
  return TRUTHY.has(cell.trim().toLocaleLowerCase("tr").replace(/ı/g, "i"));
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

export function mapRow(cells: Record<string, string>, line: number, cols: CsvColumns, source: string, region: string) {
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

  const badDates: string[] = [];
  for (const key of ["updatedAt", "createdAt"] as const) {
    const raw = text(cols[key]);
    if (!raw) continue;
    const iso = isoTime(raw);
    if (iso) contact[key] = iso;
    else badDates.push(`columns.${key}`);
  }

  const row: MappedRow = { contact, numbers: [...new Set(phones.flatMap((p) => phonesIn(p, region)))], badDates };
  const customerKey = contact.customerNumber?.replace(/\D/g, "");
  if (customerKey) row.customerKey = customerKey;
  return row;
}
