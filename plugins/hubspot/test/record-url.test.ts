import { type Contact, isCrmError } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-links");
});
afterEach(() => fake.close());

const live = () => new AbortController().signal;
const ACCOUNT_INFO = /^\/account-info\//;

/** An adapter, the contact it finds for `raw`, and its record URL with a live signal unless one is given. */
async function found(input: ConfigInput, raw = "05441000000") {
  const h = await openHubSpot(input);
  const [contact] = await h.byPhone(raw);
  if (!contact) throw new Error(`no contact for ${raw}`);
  const link = (c: Contact = contact, signal = live()) => h.adapter.recordUrl?.(c, { signal, log: h.log });
  return { ...h, contact, link };
}

describe("recordUrl()", () => {
  it("links a contact to its record page on the account's own HubSpot domain", async () => {
    const h = await found(config);
    expect(h.contact.kind).toBe("Contact");
    expect(await h.link()).toBe(`https://app-eu1.hubspot.com/contacts/4242/record/0-1/${h.contact.id}`);
    await h.close();
  });

  it("links a company with the companies' object type id", async () => {
    fake.store.add("companies", { name: "Liman AŞ", phone: "0212 444 55 66" });
    const h = await found({ ...config, objects: ["companies"], customerNumber: undefined }, "02124445566");
    expect(h.contact.kind).toBe("company");
    expect(await h.link()).toBe(`https://app-eu1.hubspot.com/contacts/4242/record/0-2/${h.contact.id}`);
    await h.close();
  });

  it("reads the account details once for many links, concurrent and later ones", async () => {
    const h = await found(config);
    const first = await Promise.all(Array.from({ length: 5 }, () => h.link()));
    const later = [await h.link(), await h.link()];
    expect(new Set([...first, ...later]).size).toBe(1);
    expect(fake.accountReads()).toBe(1);
    await h.close();
  });

  it("asks again on a later call after the account details failed once", async () => {
    const h = await found(config);
    fake.fault({ status: 503, path: ACCOUNT_INFO, times: 1 });
    const error = await h.link()?.catch((e: unknown) => e);
    expect(isCrmError(error), `a CrmError, not ${String(error)}`).toBe(true);
    expect(error).toMatchObject({
      kind: "unavailable",
      message: "hubspot: account details: HubSpot answered 503 INTERNAL_ERROR",
    });
    expect(await h.link()).toBe(`https://app-eu1.hubspot.com/contacts/4242/record/0-1/${h.contact.id}`);
    expect(fake.accountReads()).toBe(2);
    await h.close();
  });

  it("a token HubSpot refuses is auth", async () => {
    const h = await found(config);
    fake.expire("pat-links");
    await expect(h.link()).rejects.toMatchObject({ kind: "auth", plugin: "hubspot" });
    await h.close();
  });

  it("rejects with the signal's reason when it aborts, without cutting the read another caller waits for", async () => {
    const h = await found(config);
    fake.delayMs = 300;
    const controller = new AbortController();
    const started = performance.now();
    const gaveUp = h.link(h.contact, controller.signal)?.catch((e: unknown) => e);
    const waited = h.link();
    setTimeout(() => controller.abort(new Error("card closed")), 30);
    expect(await gaveUp).toMatchObject({ message: "card closed" });
    expect(performance.now() - started).toBeLessThan(250);
    expect(await waited).toBe(`https://app-eu1.hubspot.com/contacts/4242/record/0-1/${h.contact.id}`);
    expect(fake.accountReads()).toBe(1);
    await h.close();
  });

  it("gives undefined, with no request, for a record it cannot link", async () => {
    const h = await found(config);
    const unlinkable: Contact[] = [
      { ...h.contact, id: "abc" },
      { ...h.contact, id: "../1001" },
      { ...h.contact, kind: "company" }, // the tenant searches no companies
      { ...h.contact, kind: "deal" },
      { ...h.contact, source: "csv" },
    ];
    for (const c of unlinkable) expect(await h.link(c), JSON.stringify(c.id)).toBeUndefined();
    expect(fake.accountReads()).toBe(0);
    await h.close();
  });
});
