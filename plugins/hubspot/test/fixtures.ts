import type { Logger, LookupQuery, PluginContext } from "@santral-hub/sdk";
import { parsePhone } from "@santral-hub/sdk";
import type { SeedRecord } from "@santral-hub/sdk/testing";
import type { z } from "zod";
import { plugin } from "../src/index.js";
import type { FakeHubSpot } from "./fake/server.js";

export type ConfigInput = z.input<typeof plugin.configSchema>;

/** A port nothing listens on: connecting is refused at once. */
export const CLOSED_URL = "http://127.0.0.1:1";

/** A logger that keeps what it was given, for assertions. */
export function memoryLog(): Logger & { all: Record<string, unknown>[] } {
  const all: Record<string, unknown>[] = [];
  const keep = (level: string) => (obj: object, msg?: string) => void all.push({ level, ...obj, msg });
  return { all, debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") };
}

/** Builds the adapter the way core does: the config through the schema, then `create`. */
export async function openHubSpot(config: ConfigInput, context: Partial<PluginContext> = {}) {
  const log = memoryLog();
  const ctx = { tenant: "test", configDir: process.cwd(), log, ...context };
  const adapter = await plugin.create(plugin.configSchema.parse(config), ctx);
  const lookup = (query: LookupQuery, signal = new AbortController().signal) => adapter.lookup(query, { signal, log });
  return {
    adapter,
    log,
    lookup,
    byPhone: (raw: string, signal?: AbortSignal) => lookup({ phone: parsePhone(raw) ?? undefined }, signal),
    byCustomer: (customerNumber: string) => lookup({ customerNumber }),
    check: (signal = new AbortController().signal) => adapter.check?.({ signal, log }),
    close: () => adapter.close?.(),
  };
}

/** Milliseconds `fn` took to settle, and how it settled. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** Owners get ids from their names, so that a seed is the same every run. */
const ownerIdOf = (name: string) =>
  String(100 + [...name].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 9_000_000, 7));

/**
 * Writes the kit's records as HubSpot contacts: the first stored phone in `phone`, a second in
 * `mobilephone`; VIP as lifecycle stage `customer`; tags in a multiple-checkbox property (`a;b`); the
 * owner as an owner of the account, whose extension the config maps.
 */
export function seedContacts(fake: FakeHubSpot, records: readonly SeedRecord[], token: string): ConfigInput {
  fake.privateApp(token);
  const owners: Record<string, string> = {};
  for (const r of records) {
    const properties: Record<string, string> = {};
    const set = (name: string, value: string | undefined) => {
      if (value !== undefined) properties[name] = value;
    };
    set("phone", r.phones[0]);
    set("mobilephone", r.phones[1]);
    set("firstname", r.firstName);
    set("lastname", r.lastName);
    set("company", r.company);
    set("lifecyclestage", r.vip ? "customer" : "lead");
    set("etiketler", r.tags?.join(";"));
    set("musteri_no", r.customerNumber);
    set("segment", r.fields?.segment);
    if (r.ownerName) {
      const id = ownerIdOf(r.ownerName);
      const [firstName = "", lastName = ""] = r.ownerName.split(" ");
      fake.owners.set(id, { id, firstName, lastName, email: `${id}@example.com` });
      set("hubspot_owner_id", id);
      if (r.ownerExtension) owners[id] = r.ownerExtension;
    }
    const times = {
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
      ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
    };
    fake.store.add("contacts", properties, times);
  }
  return {
    auth: { type: "privateApp", accessToken: token },
    baseUrl: fake.url,
    objects: [
      {
        type: "contacts",
        vip: { property: "lifecyclestage", equals: "customer" },
        tags: "etiketler",
        fields: { segment: "segment" },
      },
    ],
    customerNumber: { property: "musteri_no" },
    owners,
    rateLimit: { search: 50, other: 50 },
  };
}
