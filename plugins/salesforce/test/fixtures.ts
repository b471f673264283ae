import { generateKeyPairSync } from "node:crypto";
import { type CrmAdapter, type Logger, type LookupQuery, parsePhone } from "@santral-hub/sdk";
import type { SeedRecord } from "@santral-hub/sdk/testing";
import type { z } from "zod";
import { type configSchema, plugin } from "../src/index.js";
import { type FakeSalesforce, startFakeSalesforce } from "./fake/server.js";

/** A key pair made for the run: the plugin signs JWTs with the private half, the fake checks them with the other. */
export const KEYS = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const PRIVATE_PEM = KEYS.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

export type ConfigInput = z.input<typeof configSchema>;
type ObjectInput = Exclude<NonNullable<ConfigInput["objects"]>[number], string>;

/** The mapping the conformance records are written in: Contacts (VIP by Account.Type) and Leads (a VIP box). */
export const CONTACT: ObjectInput = {
  object: "Contact",
  phones: ["Phone", "MobilePhone", "HomePhone", "OtherPhone"],
  firstName: "FirstName",
  lastName: "LastName",
  company: "Account.Name",
  ownerName: "Owner.Name",
  ownerExtension: "Owner.Extension",
  vip: { field: "Account.Type", equals: "VIP" },
  tags: "Etiketler__c",
  fields: { segment: "Segment__c" },
};
export const LEAD: ObjectInput = {
  object: "Lead",
  phones: ["Phone", "MobilePhone"],
  firstName: "FirstName",
  lastName: "LastName",
  company: "Company",
  ownerName: "Owner.Name",
  ownerExtension: "Owner.Extension",
  vip: "VIP__c",
  tags: "Etiketler__c",
  fields: { segment: "Segment__c" },
};

/** The record's object: its own kind, else Contact for the customer-number record, else Contacts and Leads in turn. */
export function kindOf(r: SeedRecord, i: number): "Contact" | "Lead" {
  if (r.kind === "Contact" || r.kind === "Lead") return r.kind;
  return r.customerNumber !== undefined || i % 2 === 0 ? "Contact" : "Lead";
}

/** Writes each record as a Contact or a Lead, with its account, owner and custom fields. */
export function seedRecords(fake: FakeSalesforce, records: readonly SeedRecord[], kind = kindOf): void {
  const { org } = fake;
  records.forEach((r, i) => {
    const object = kind(r, i);
    const [first = "", last = ""] = r.name && !r.firstName ? r.name.split(" ") : [r.firstName, r.lastName];
    const values: Record<string, unknown> = { FirstName: first, LastName: last, Name: `${first} ${last}`.trim() };
    const [phone, mobile] = r.phones;
    if (phone !== undefined) values.Phone = phone;
    if (mobile !== undefined) values.MobilePhone = mobile;
    if (r.updatedAt) values.LastModifiedDate = r.updatedAt;
    if (r.createdAt) values.CreatedDate = r.createdAt;
    if (r.tags) values.Etiketler__c = r.tags.join(";");
    if (r.fields?.segment) values.Segment__c = r.fields.segment;
    if (r.ownerName) {
      const user = org.find("User", (u) => u.Name === r.ownerName);
      const [firstName, lastName] = r.ownerName.split(" ");
      values.OwnerId =
        (user?.Id as string | undefined) ??
        org.insert("User", {
          Name: r.ownerName,
          FirstName: firstName,
          LastName: lastName,
          Extension: r.ownerExtension,
        });
    }
    if (object === "Contact") {
      if (r.company) {
        const account = org.find("Account", (a) => a.Name === r.company);
        values.AccountId =
          (account?.Id as string | undefined) ??
          org.insert("Account", { Name: r.company, Type: r.vip ? "VIP" : "Customer" });
      }
      if (r.customerNumber) values.Musteri_No__c = r.customerNumber;
    } else {
      values.Company = r.company ?? `${last} (bireysel)`;
      values.VIP__c = r.vip === true;
    }
    org.insert(object, values);
  });
}

/** The plugin config for a fake org, on the client credentials flow unless `auth` says otherwise. */
export function fakeConfig(fake: FakeSalesforce, extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    loginUrl: fake.url,
    auth: { flow: "clientCredentials" as const, clientId: fake.app.clientId, clientSecret: fake.app.clientSecret },
    objects: [CONTACT, LEAD],
    customerNumber: { object: "Contact", field: "Musteri_No__c" },
    ...extra,
  };
}

/** A config whose token endpoint refuses connections: nothing listens on port 1. */
export function downConfig(): ConfigInput {
  return { loginUrl: "http://127.0.0.1:1", auth: { flow: "clientCredentials", clientId: "x", clientSecret: "y" } };
}

/** A fake org holding `records`. */
export async function fakeWith(records: readonly SeedRecord[], app = {}) {
  const fake = await startFakeSalesforce({ publicKey: KEYS.publicKey, ...app });
  seedRecords(fake, records);
  return fake;
}

/** A logger that keeps its entries, for tests that read what was logged. */
export function memoryLog(): Logger & { entries: { msg?: string; [k: string]: unknown }[] } {
  const entries: { msg?: string; [k: string]: unknown }[] = [];
  const keep = (obj: object, msg?: string) => void entries.push({ ...obj, msg });
  return { entries, debug: keep, info: keep, warn: keep, error: keep };
}

export interface Opened {
  adapter: CrmAdapter;
  log: ReturnType<typeof memoryLog>;
  /** Looks a raw number (as the PBX sends it) or a query up, with a live signal unless one is given. */
  lookup(query: string | LookupQuery, signal?: AbortSignal): ReturnType<CrmAdapter["lookup"]>;
}

/** An adapter on `config` (parsed by the plugin's schema), as core creates it. */
export async function open(config: unknown, configDir = process.cwd()): Promise<Opened> {
  const log = memoryLog();
  const adapter = await plugin.create(plugin.configSchema.parse(config), { tenant: "t", configDir, log });
  return {
    adapter,
    log,
    lookup(query, signal = new AbortController().signal) {
      const q = typeof query === "string" ? { phone: caller(query) } : query;
      return adapter.lookup(q, { signal, log });
    },
  };
}

export function caller(raw: string) {
  const phone = parsePhone(raw);
  if (!phone) throw new Error(`${raw} does not parse`);
  return phone;
}
