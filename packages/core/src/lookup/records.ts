import type { Contact } from "@santral-hub/sdk";
import { foldTr } from "../rules/fold.js";

// What the match policy needs to know about records, beyond the resolvers' scores: a canonical order,
// who owns a record, whether two records are the same person, and what holds for all of several records.

/** Which record this is: the same id may name a contact and a company in one CRM (HubSpot's do). */
export function recordKey(c: Contact): string {
  return `${c.source}\u0000${foldTr(c.kind ?? "")}\u0000${c.id}`;
}

// `<`, not localeCompare: the order must not depend on the machine's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The candidates in an order that depends on the records only, never on the order the CRM returned them
 * in, with a record returned twice (one search per stored shape can find it twice) kept once.
 */
export function canonical(candidates: readonly Contact[]): Contact[] {
  const sorted = candidates
    .map((contact) => ({ contact, key: recordKey(contact), body: JSON.stringify(contact) }))
    .sort((a, b) => compare(a.key, b.key) || compare(a.body, b.body));
  const seen = new Set<string>();
  const out: Contact[] = [];
  for (const { contact, key } of sorted) {
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(contact);
  }
  return out;
}

/** The representative a record routes to; `""` when it has none. Names compare the Turkish way. */
export function ownerKey(c: Contact): string {
  const extension = c.owner?.extension?.trim() ?? "";
  const name = foldTr(c.owner?.name ?? "");
  return extension === "" && name === "" ? "" : `${extension}\u0000${name}`;
}

/** The name a record carries, as the templates see it. */
export function nameOf(c: Contact): string {
  return c.name ?? [c.firstName, c.lastName].filter(Boolean).join(" ");
}

/** Every record names the same person (a Contact and a Lead of one caller): naming any of them is no guess. */
export function samePerson(records: readonly Contact[]): boolean {
  const names = new Set(records.map((c) => foldTr(nameOf(c)).replace(/\s+/g, " ")));
  return names.size === 1 && !names.has("");
}

/**
 * What holds for every one of `records` (all sharing one owner), whichever of them is calling: the owner,
 * and the VIP flag, company, tags and fields they agree on. No name: the caller is one of several people,
 * and a greeting must not name a guess. Rules see only facts that are true for the caller either way.
 */
export function sharedFacts(records: readonly Contact[]): Contact {
  const [first, ...rest] = records;
  if (!first) throw new Error("sharedFacts() needs at least one record");
  const agree = <T>(get: (c: Contact) => T): T | undefined =>
    rest.every((c) => get(c) === get(first)) ? get(first) : undefined;
  const contact: Contact = {
    id: records.map((c) => c.id).join("+"),
    source: first.source,
    phones: [...new Set(records.flatMap((c) => c.phones))],
    fields: Object.fromEntries(
      Object.entries(first.fields).filter(([k, v]) =>
        rest.every((c) => Object.hasOwn(c.fields, k) && c.fields[k] === v),
      ),
    ),
  };
  if (first.owner) contact.owner = { ...first.owner };
  const kind = agree((c) => c.kind);
  if (kind !== undefined) contact.kind = kind;
  const company = agree((c) => c.company);
  if (company !== undefined) contact.company = company;
  // VIP treatment only when every one of them is a VIP: otherwise it would be granted on a guess
  if (records.some((c) => c.vip !== undefined)) contact.vip = records.every((c) => c.vip === true);
  const tags = (first.tags ?? []).filter((t) => rest.every((c) => c.tags?.includes(t)));
  if (tags.length > 0) contact.tags = tags;
  return contact;
}

/**
 * An ISO time in milliseconds. A date-time without an offset is read as UTC, like a bare date is:
 * read as local time it would rank differently on hub nodes in different time zones.
 */
export function isoMillis(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso.trim()) ? `${iso.trim()}Z` : iso;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
