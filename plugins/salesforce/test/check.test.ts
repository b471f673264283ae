import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "./fake/server.js";
import { CONTACT, fakeConfig, fakeWith, LEAD, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

const check = async (config: Parameters<typeof open>[0]) => {
  const { adapter, log } = await open(config);
  return adapter.check?.({ signal: new AbortController().signal, log });
};

describe("check() (santral-hub check)", () => {
  it("signs in and describes every mapped object and the objects its paths reach", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    await expect(check(fakeConfig(fake, { objects: [CONTACT, LEAD, "Account"] }))).resolves.toBeUndefined();
    const described = fake.received.filter((r) => r.kind === "describe").map((r) => r.path.split("/")[5]);
    expect(described).toEqual(["Contact", "Account", "User", "Lead"]);
    expect(fake.count("search")).toBe(0);
  });

  it("lists every field that does not exist or cannot serve, with its config key", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const contact = {
      ...CONTACT,
      phones: ["Phone", "Segment__c"],
      ownerExtension: "Owner.Dahili__c",
      fields: { x: "Foo__c" },
    };
    const lead = { ...LEAD, company: "Account.Name" };
    const config = fakeConfig(fake, {
      objects: [contact, lead, { object: "Musteri__c", phones: ["Tel__c"] }],
      customerNumber: { object: "Contact", field: "Sicil__c" },
    });
    await expect(check(config)).rejects.toMatchObject({
      kind: "bad_config",
      message:
        "salesforce: objects[0].phones[1]: Contact.Segment__c is a string field; SOSL searches phone fields only; " +
        "objects[0].ownerExtension: User.Dahili__c is no field Salesforce knows; " +
        "objects[0].fields.x: Contact.Foo__c is no field Salesforce knows; " +
        "customerNumber.field: Contact.Sicil__c is a double field; map a text field; " +
        "objects[1].company: Lead has no relationship Account; " +
        "objects[2]: Salesforce has no object Musteri__c, or the integration user may not read it",
    });
  });

  it("reports refused credentials as auth", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const auth = { flow: "clientCredentials" as const, clientId: "unknown-app", clientSecret: "x" };
    await expect(check(fakeConfig(fake, { auth }))).rejects.toMatchObject({ kind: "auth" });
  });
});
