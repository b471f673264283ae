import type { Contact } from "@santral-hub/sdk";
import { isTruthy, text } from "./cells.js";
import { PLUGIN_NAME } from "./name.js";
import { mappedColumns, type SqlColumns } from "./schema.js";
import { isoTime } from "./time.js";

export type Row = Record<string, unknown>;

/**
 * The result column each mapped name refers to: the exact name, else the one name that matches ignoring
 * case (PostgreSQL folds unquoted names to lower case, so `AS Ad` comes back as `ad`).
 */
export function resolveColumns(names: readonly string[], columns: SqlColumns) {
  const lower = new Map<string, string | null>();
  for (const n of names) lower.set(n.toLowerCase(), lower.has(n.toLowerCase()) ? null : n);
  const resolved = new Map<string, string>();
  const missing: { path: string; column: string }[] = [];
  for (const m of mappedColumns(columns)) {
    const found = names.includes(m.column) ? m.column : lower.get(m.column.toLowerCase());
    if (found) resolved.set(m.column, found);
    else missing.push(m);
  }
  return { resolved, missing };
}

/**
 * One result row as a Contact; `at` (its position) is the id when the id cell is empty, and `zone` the
 * time zone of times stored without one.
 */
export function mapRow(row: Row, at: number, cols: SqlColumns, names: Map<string, string>, zone: string): Contact {
  const cell = (column: string | undefined) => (column === undefined ? undefined : row[names.get(column) ?? column]);
  const str = (column: string | undefined) => text(cell(column));
  // phones stay verbatim (an array column gives one entry per element): core verifies them
  const phones = cols.phone.flatMap((c) => {
    const v = cell(c);
    return (Array.isArray(v) ? v : [v]).map((p) => (typeof p === "string" ? p : text(p))).filter((p) => p.trim());
  });
  const contact: Contact = {
    id: str(cols.id) || String(at + 1),
    source: PLUGIN_NAME,
    kind: str(cols.kind) || "row",
    phones,
    fields: {},
  };
  const put = (key: "firstName" | "lastName" | "name" | "company" | "customerNumber", value: string) => {
    if (value) contact[key] = value;
  };
  put("firstName", str(cols.firstName));
  put("lastName", str(cols.lastName));
  put("name", str(cols.name) || [contact.firstName, contact.lastName].filter(Boolean).join(" "));
  put("company", str(cols.company));
  put("customerNumber", str(cols.customerNumber));
  if (cols.vip) contact.vip = isTruthy(cell(cols.vip));
  const rawTags = cell(cols.tags);
  const tags = (Array.isArray(rawTags) ? rawTags.map(text) : text(rawTags).split(/[,;|]/)).map((t) => t.trim());
  if (tags.some(Boolean)) contact.tags = tags.filter(Boolean);
  const owner = { name: str(cols.ownerName), extension: str(cols.ownerExtension) };
  if (owner.name || owner.extension) {
    contact.owner = {};
    if (owner.name) contact.owner.name = owner.name;
    if (owner.extension) contact.owner.extension = owner.extension;
  }
  for (const key of ["updatedAt", "createdAt"] as const) {
    const iso = isoTime(cell(cols[key]), zone);
    if (iso) contact[key] = iso;
  }
  for (const [key, column] of Object.entries(cols.fields)) {
    const value = str(column);
    if (value) contact.fields[key] = value;
  }
  return contact;
}
