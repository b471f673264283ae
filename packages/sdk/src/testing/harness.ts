import { expect } from "vitest";
import type { Contact, LookupQuery } from "../contact.js";
import type { CrmErrorKind } from "../errors.js";
import { parsePhone, phoneShapes, phonesIn } from "../phone.js";
import type { CrmAdapter, Logger, Plugin, PluginContext } from "../plugin.js";
import { CONFORMANCE_RECORDS } from "./records.js";
import type { SeedRecord } from "./types.js";

/** What every part of the kit shares: the plugin and the config `seed` returned (set in `beforeAll`). */
export interface Suite {
  plugin: Plugin;
  config(): unknown;
  unavailable?: () => unknown;
  unavailableKind: CrmErrorKind;
  context: Omit<PluginContext, "log">;
}

/** The contract's cap on candidates (`CrmAdapter.lookup`). */
export const MAX_RESULTS = 10;

/** A logger that keeps its entries, so the kit can check that none carries a number or a name. */
export function recordingLogger(): Logger & { entries: unknown[] } {
  const entries: unknown[] = [];
  const keep = (obj: object, msg?: string) => void entries.push({ ...obj, msg });
  return { entries, debug: keep, info: keep, warn: keep, error: keep };
}

export interface Session {
  adapter: CrmAdapter;
  log: Logger;
  /** `adapter.lookup` with a live signal; checks the shape of every contact returned. */
  lookup(query: LookupQuery): Promise<Contact[]>;
}

/**
 * Creates a fresh adapter from the seeded config (or `input`, a config of the plugin's own), runs `fn`,
 * closes it, then checks what it logged.
 */
export async function withAdapter<T>(
  suite: Suite,
  fn: (session: Session) => Promise<T>,
  input: unknown = suite.config(),
): Promise<T> {
  const log = recordingLogger();
  const config = suite.plugin.configSchema.parse(input);
  const adapter = await suite.plugin.create(config, { ...suite.context, log });
  const lookup = async (query: LookupQuery) => {
    const contacts = await adapter.lookup(query, { signal: new AbortController().signal, log });
    expectContacts(contacts, suite.plugin.name);
    return contacts;
  };
  let result: T;
  try {
    result = await fn({ adapter, log, lookup });
  } finally {
    await adapter.close?.();
  }
  expectNoPersonalData(log.entries);
  return result;
}

/** The caller as core hands it over. */
export function caller(raw: string) {
  const phone = parsePhone(raw);
  if (!phone) throw new Error(`the kit's number ${raw} does not parse`);
  return phone;
}

function expectContacts(contacts: Contact[], source: string): void {
  expect(Array.isArray(contacts), "lookup() resolves to an array").toBe(true);
  expect(contacts.length, `lookup() returns at most ${MAX_RESULTS} contacts`).toBeLessThanOrEqual(MAX_RESULTS);
  for (const c of contacts) {
    expect(c.source, "contact.source is the plugin's name").toBe(source);
    expect(typeof c.id === "string" && c.id.length > 0, "contact.id is a non-empty string").toBe(true);
    expect(Array.isArray(c.phones), "contact.phones is an array").toBe(true);
    expect(typeof c.fields === "object" && c.fields !== null, "contact.fields is an object").toBe(true);
    for (const time of [c.updatedAt, c.createdAt]) {
      if (time !== undefined) expect(Number.isNaN(Date.parse(time)), `"${time}" is an ISO 8601 time`).toBe(false);
    }
  }
}

/** The name a contact carries, whether the plugin maps `name` or first and last names. */
export function nameOf(c: Pick<Contact, "name" | "firstName" | "lastName">): string | undefined {
  return c.name ?? ([c.firstName, c.lastName].filter(Boolean).join(" ") || undefined);
}

/** The seed record a contact came from: by id, or by name where the backend assigns its own ids. */
export function recordOf(c: Contact): SeedRecord | undefined {
  return CONFORMANCE_RECORDS.find((r) => r.id === c.id) ?? CONFORMANCE_RECORDS.find((r) => nameOf(r) === nameOf(c));
}

export function ids(contacts: Contact[]): (string | undefined)[] {
  return contacts.map((c) => recordOf(c)?.id);
}

/** Asserts what core's verification relies on: one of the stored phones parses to the caller's number. */
export function expectVerifiable(c: Contact, e164: string): void {
  expect(c.phones.length, "contact.phones holds the stored numbers").toBeGreaterThan(0);
  const parsed = c.phones.flatMap((p) => phonesIn(p));
  expect(parsed, `one of the stored phones ${JSON.stringify(c.phones)} parses to ${e164}`).toContain(e164);
}

/** Every number and name of the dataset, in the forms a careless log line would hold them. */
const PERSONAL = (() => {
  const out = new Set<string>();
  for (const r of CONFORMANCE_RECORDS) {
    for (const stored of r.phones) {
      out.add(stored.trim());
      for (const e164 of phonesIn(stored)) {
        const phone = parsePhone(e164);
        if (phone) for (const shape of phoneShapes(phone)) out.add(shape);
      }
    }
    for (const n of [r.name, r.firstName, r.lastName, r.ownerName]) if (n && n.length >= 3) out.add(n);
  }
  return [...out];
})();

function expectNoPersonalData(entries: unknown[]): void {
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    const leaked = PERSONAL.find((s) => text.includes(s));
    expect(leaked, `a log entry carries a number or a name in plain text: ${text}`).toBeUndefined();
  }
}
