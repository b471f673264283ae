import { CONFORMANCE_RECORDS, type SeedRecord } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeSalesforce, startFakeSalesforce } from "./fake/server.js";
import { CONTACT, fakeConfig, fakeWith, KEYS, LEAD, open, seedRecords } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

/** One number on a Contact, a Lead and an Account (a switchboard), as Salesforce often holds it. */
const SHARED: SeedRecord[] = [
  {
    id: "lead",
    kind: "Lead",
    phones: ["0212 444 55 66"],
    firstName: "Lale",
    lastName: "Aday",
    ownerName: "Ece Su",
    ownerExtension: "305",
  },
  {
    id: "contact",
    kind: "Contact",
    phones: ["0212 444 55 66"],
    firstName: "Kaan",
    lastName: "Kayıt",
    company: "Liman AŞ",
  },
];

async function sharedOrg(): Promise<FakeSalesforce> {
  const f = await startFakeSalesforce({ publicKey: KEYS.publicKey });
  seedRecords(f, SHARED);
  f.org.insert("Account", { Name: "Liman AŞ", Phone: "+90 212 444 55 66", Type: "Customer" });
  return f;
}

describe("objects, in the tenant's order of preference", () => {
  it("returns Contacts before Leads before Accounts by default, each with its kind", async () => {
    fake = await sharedOrg();
    const { lookup } = await open(fakeConfig(fake, { objects: ["Contact", "Lead", "Account"] }));
    const found = await lookup("02124445566");
    expect(found.map((c) => [c.kind, c.name])).toEqual([
      ["Contact", "Kaan Kayıt"],
      ["Lead", "Lale Aday"],
      ["Account", "Liman AŞ"],
    ]);
    expect(found[0]?.company).toBe("Liman AŞ");
    expect(found[2]).toMatchObject({ company: "Liman AŞ", phones: ["+90 212 444 55 66"] });
  });

  it("follows the configured order, and searches only the objects listed", async () => {
    fake = await sharedOrg();
    const { lookup } = await open(fakeConfig(fake, { objects: ["Lead", "Account", "Contact"] }));
    expect((await lookup("02124445566")).map((c) => c.kind)).toEqual(["Lead", "Account", "Contact"]);
    const leadsOnly = await open(fakeConfig(fake, { objects: [LEAD], customerNumber: undefined }));
    expect((await leadsOnly.lookup("02124445566")).map((c) => c.kind)).toEqual(["Lead"]);
  });

  it("finds a caller who is only a Lead, with the Lead owner's extension read from the User", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    seedRecords(fake, [SHARED[0] as SeedRecord]);
    const { lookup } = await open(fakeConfig(fake));
    const [lead, ...rest] = await lookup("02124445566");
    expect(rest).toEqual([]);
    expect(lead).toMatchObject({
      kind: "Lead",
      name: "Lale Aday",
      owner: { name: "Ece Su", extension: "305" },
      vip: false,
    });
    // Lead.Owner may be a queue: Owner.Extension cannot be read through it, so it comes from one User query
    const [search] = fake.received.filter((r) => r.kind === "search");
    expect(search?.q).toContain("Lead(Id, Phone, MobilePhone, FirstName, LastName, Company, Owner.Name, OwnerId,");
    expect(fake.received.filter((r) => r.kind === "query").map((r) => r.q)).toEqual([
      expect.stringMatching(/^SELECT Id, Extension FROM User WHERE Id IN \('005\w+'\)$/),
    ]);
    // the owner is remembered: a second lookup makes no User query
    await lookup("02124445566");
    expect(fake.count("query")).toBe(1);
  });

  it("requests only the mapped fields, in one SOSL search per lookup", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const slim = { object: "Contact", phones: ["Phone"], name: "Name" };
    const { lookup } = await open(fakeConfig(fake, { objects: [slim], customerNumber: undefined }));
    expect(await lookup("05441000000")).toEqual([
      {
        id: expect.stringMatching(/^003/),
        source: "salesforce",
        kind: "Contact",
        phones: ["05441000000"],
        name: "Ayşe Yılmaz",
        updatedAt: "2025-03-01T09:30:00.000Z",
        createdAt: "2024-11-15T08:00:00.000Z",
        fields: {},
      },
    ]);
    expect(fake.received.map((r) => r.kind)).toEqual(["token", "search"]);
    expect(fake.received[1]?.q).toMatch(
      /RETURNING Contact\(Id, Phone, Name, LastModifiedDate, CreatedDate LIMIT 10\)$/,
    );
  });

  it("finds a customer by the number typed, with one SOQL query on the configured field", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake, { objects: [CONTACT, LEAD] }));
    const [found] = await lookup({ customerNumber: " 4802135 " });
    expect(found).toMatchObject({
      name: "Nur Güneş",
      customerNumber: "4802135",
      phones: ["0212 555 00 11", "0544 100 00 11"],
    });
    expect(fake.received.find((r) => r.kind === "query")?.q).toMatch(
      / FROM Contact WHERE Musteri_No__c = '4802135' LIMIT 10$/,
    );
  });

  it("caps the answer at limit, keeping the preferred objects", async () => {
    fake = await sharedOrg();
    const { lookup } = await open(fakeConfig(fake, { objects: ["Contact", "Lead", "Account"], limit: 2 }));
    expect((await lookup("02124445566")).map((c) => c.kind)).toEqual(["Contact", "Lead"]);
  });
});
