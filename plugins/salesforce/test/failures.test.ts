import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ANSWERS, type FakeSalesforce } from "./fake/server.js";
import { CONTACT, downConfig, fakeConfig, fakeWith, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

async function failWith(kind: "search" | "token", answer: (typeof ANSWERS)[keyof typeof ANSWERS]) {
  fake = await fakeWith(CONFORMANCE_RECORDS);
  fake.fail(kind, answer);
  const { lookup } = await open(fakeConfig(fake));
  return lookup("05441000000").catch((e: unknown) => e);
}

describe("failures are CrmErrors of the kind core acts on, never an empty answer", () => {
  it("REQUEST_LIMIT_EXCEEDED is rate_limited", async () => {
    expect(await failWith("search", ANSWERS.limitExceeded)).toMatchObject({
      kind: "rate_limited",
      message: "salesforce: the org's API request limit is used up",
    });
  });

  it("a 5xx is unavailable at once: jsforce's own retries (15 s of back-off) are off", async () => {
    const started = performance.now();
    expect(await failWith("search", ANSWERS.unavailable)).toMatchObject({
      kind: "unavailable",
      message: "salesforce: Salesforce failed (SERVER_UNAVAILABLE)",
    });
    expect(await failWith("search", ANSWERS.internalError)).toMatchObject({
      kind: "unavailable",
      message: "salesforce: Salesforce failed (ERROR_HTTP_500)",
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake?.count("search")).toBe(1);
  });

  it("a refused connection is unavailable, naming where it tried", async () => {
    const { lookup } = await open(downConfig());
    await expect(lookup("05441000000")).rejects.toMatchObject({
      kind: "unavailable",
      message: "salesforce: cannot reach the token endpoint (loginUrl) (ECONNREFUSED)",
    });
  });

  it("an integration user without API access is auth", async () => {
    expect(await failWith("search", ANSWERS.apiDisabled)).toMatchObject({
      kind: "auth",
      message: expect.stringContaining("API Enabled"),
    });
  });

  it("an unknown field is bad_config naming the field and its config key, and quoting no number", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake, { objects: [{ ...CONTACT, fields: { segment: "Segmnet__c" } }] }));
    const error = (await lookup("05441000000").catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({
      kind: "bad_config",
      message:
        "salesforce: Contact.Segmnet__c is no field Salesforce knows, mapped at objects[0].fields.segment (INVALID_FIELD)",
    });
    // Salesforce echoes the whole SOSL in its message: none of it may reach a log line
    expect(fake.received.at(-1)?.q).toContain("05441000000");
    expect(error.message).not.toMatch(/0544|FIND/);
  });

  it("an owner field through a queue-owned object, or an unknown object, is bad_config naming it", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const unknownRelation = await open(fakeConfig(fake, { objects: [{ ...CONTACT, company: "Acount.Name" }] }));
    await expect(unknownRelation.lookup("05441000000")).rejects.toMatchObject({
      kind: "bad_config",
      message: "salesforce: Acount is no relationship Salesforce knows, mapped at objects[0].company (INVALID_FIELD)",
    });
    const custom = { object: "Musteri__c", phones: ["Telefon__c"] };
    const unknownObject = await open(fakeConfig(fake, { objects: [custom], customerNumber: undefined }));
    await expect(unknownObject.lookup("05441000000")).rejects.toMatchObject({
      kind: "bad_config",
      message:
        "salesforce: Salesforce has no object Musteri__c, or the integration user may not read it (INVALID_TYPE)",
    });
  });

  it("a customer-number field of another type is bad_config: the typed value is compared as text", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake, { customerNumber: { object: "Contact", field: "Sicil__c" } }));
    await expect(lookup({ customerNumber: "4802135" })).rejects.toMatchObject({
      kind: "bad_config",
      message:
        "salesforce: customerNumber.field Sicil__c is a double field: map a text field (INVALID_QUERY_FILTER_OPERATOR)",
    });
  });

  it("a request past requestTimeout is a timeout, and its concurrency slot comes back", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const release = fake.hold("search");
    const { lookup } = await open(fakeConfig(fake, { requestTimeout: 200, concurrency: 1 }));
    await expect(lookup("05441000000")).rejects.toMatchObject({
      kind: "timeout",
      message: "salesforce: Salesforce did not answer within requestTimeout (200 ms)",
    });
    release();
    expect(await lookup("05441000000")).toHaveLength(1);
  });
});
