import type { Contact } from "@santral-hub/sdk";
import { PLUGIN_NAME } from "./name.js";
import { type ObjectPlan, ownerUserField } from "./plan.js";

/** A record as the REST API returns it: fields by API name, parents as nested records (or null). */
export type SfRecord = { [field: string]: unknown; attributes?: { type?: string; url?: string } };

/** Users by id, for the owner fields read through `OwnerId`. */
export type Users = ReadonlyMap<string, SfRecord>;

/**
 * The value at a mapped path: `Phone`, `Account.Name`, or `Owner.Extension` read from the owner's User.
 * Names are matched ignoring case, because Salesforce answers with each field's own spelling.
 */
export function readPath(record: SfRecord, path: string, users: Users): unknown {
  const userField = ownerUserField(path);
  if (userField !== undefined) {
    const ownerId = readPath(record, "OwnerId", users);
    const user = typeof ownerId === "string" ? users.get(ownerId) : undefined;
    return user === undefined ? undefined : readPath(user, userField, users);
  }
  let at: unknown = record;
  for (const name of path.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = fieldOf(at as SfRecord, name);
  }
  return at;
}

function fieldOf(record: SfRecord, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function text(value: unknown): string {
  if (value === null || value === undefined || typeof value === "object") return "";
  return String(value).trim();
}

/** Salesforce writes times as `2025-03-01T09:30:00.000+0000`; the contract wants ISO 8601. A date stays a date. */
export function isoTime(value: unknown): string | undefined {
  const raw = text(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
  const time = Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A checkbox is VIP when ticked; with `equals`, when the value (or one of a multi-select's) is listed. */
export function isVip(rule: { equals?: string[] | undefined }, value: unknown): boolean {
  if (rule.equals === undefined) return value === true || /^(true|1)$/i.test(text(value));
  const wanted = new Set(rule.equals.map(fold));
  return text(value)
    .split(";")
    .some((v) => wanted.has(fold(v)));
}

const fold = (s: string) => s.trim().toLocaleLowerCase("tr").replace(/ı/g, "i");

/** One search or query record as a Contact; phones stay verbatim, for core to verify against the caller. */
export function toContact(record: SfRecord, plan: ObjectPlan, users: Users): Contact {
  const m = plan.mapping;
  const read = (path: string | undefined) => (path === undefined ? "" : text(readPath(record, path, users)));
  const phones = m.phones.map((p) => readPath(record, p, users)).filter((p): p is string => typeof p === "string");
  const contact: Contact = {
    id: read("Id"),
    source: PLUGIN_NAME,
    kind: record.attributes?.type ?? plan.object,
    phones: phones.filter((p) => p.trim() !== ""),
    fields: {},
  };
  const put = (key: "firstName" | "lastName" | "name" | "company" | "customerNumber", value: string) => {
    if (value) contact[key] = value;
  };
  put("firstName", read(m.firstName));
  put("lastName", read(m.lastName));
  put("name", read(m.name) || [contact.firstName, contact.lastName].filter(Boolean).join(" "));
  put("company", read(m.company));
  put("customerNumber", read(m.customerNumber));
  if (m.vip) contact.vip = isVip(m.vip, readPath(record, m.vip.field, users));
  const tags = read(m.tags)
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length > 0) contact.tags = tags;
  const owner = { name: read(m.ownerName), extension: read(m.ownerExtension) };
  if (owner.name || owner.extension) {
    contact.owner = {};
    if (owner.name) contact.owner.name = owner.name;
    if (owner.extension) contact.owner.extension = owner.extension;
  }
  const updatedAt = isoTime(readPath(record, m.updatedAt, users));
  const createdAt = isoTime(readPath(record, m.createdAt, users));
  if (updatedAt) contact.updatedAt = updatedAt;
  if (createdAt) contact.createdAt = createdAt;
  for (const [key, path] of Object.entries(m.fields)) {
    const value = read(path);
    if (value) contact.fields[key] = value;
  }
  return contact;
}
