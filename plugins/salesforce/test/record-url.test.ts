import { type Contact, isCrmError } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "./fake/server.js";
import { downConfig, fakeConfig, fakeWith, type Opened, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

const link = (h: Opened, c: Contact, signal = new AbortController().signal) =>
  h.adapter.recordUrl?.(c, { signal, log: h.log });

/** The one contact `raw` finds. */
async function only(h: Opened, raw: string): Promise<Contact> {
  const [c, ...rest] = await h.lookup(raw);
  if (!c || rest.length > 0) throw new Error(`expected one contact for ${raw}`);
  return c;
}

describe("recordUrl()", () => {
  it("links a Contact to its Lightning record page on the org's instance URL, with no request", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const c = await only(h, "05441000000");
    expect(c.kind).toBe("Contact");
    const requests = fake.received.length;
    expect(await link(h, c)).toBe(`${fake.url}/lightning/r/Contact/${c.id}/view`);
    expect(fake.received.length).toBe(requests);
  });

  it("links a Lead as a Lead", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const c = await only(h, "5441000001");
    expect(c.kind).toBe("Lead");
    expect(await link(h, c)).toBe(`${fake.url}/lightning/r/Lead/${c.id}/view`);
  });

  it("signs in for the instance URL when no lookup has yet, once for many links", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const id = fake.org.all("Contact")[0]?.Id as string;
    const c: Contact = { id, source: "salesforce", kind: "Contact", phones: [], fields: {} };
    const links = await Promise.all([link(h, c), link(h, c), link(h, c)]);
    expect(links).toEqual(Array(3).fill(`${fake.url}/lightning/r/Contact/${id}/view`));
    expect(fake.count("token")).toBe(1);
    expect(fake.received.filter((r) => r.kind !== "token")).toEqual([]);
  });

  it("gives undefined, with no request, for a record it cannot link", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const c = await only(h, "05441000000");
    const requests = fake.received.length;
    const unlinkable: Contact[] = [
      { ...c, id: "not-an-id" },
      { ...c, id: `${c.id.slice(0, 15)}/x` },
      { ...c, id: `${c.id}0` },
      { ...c, kind: "Account" }, // the tenant searches Contacts and Leads only
      { ...c, kind: "Contact/../x" },
      { ...c, kind: undefined },
      { ...c, source: "hubspot" },
    ];
    for (const u of unlinkable) expect(await link(h, u), `${u.kind} ${u.id}`).toBeUndefined();
    expect(fake.received.length).toBe(requests);
  });

  it("takes a 15-character Id as Salesforce writes it", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const c = await only(h, "05441000000");
    const short = c.id.slice(0, 15);
    expect(await link(h, { ...c, id: short })).toBe(`${fake.url}/lightning/r/Contact/${short}/view`);
  });

  it("rejects with the signal's reason when it is already aborted", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const h = await open(fakeConfig(fake));
    const c = await only(h, "05441000000");
    const controller = new AbortController();
    controller.abort(new Error("card closed"));
    await expect(link(h, c, controller.signal)).rejects.toThrow("card closed");
  });

  it("a token endpoint that cannot be reached is unavailable", async () => {
    const h = await open(downConfig());
    const c: Contact = { id: "0035g0000000001AAA", source: "salesforce", kind: "Contact", phones: [], fields: {} };
    const error = await link(h, c)?.catch((e: unknown) => e);
    expect(isCrmError(error), `a CrmError, not ${String(error)}`).toBe(true);
    expect(error).toMatchObject({ kind: "unavailable", plugin: "salesforce" });
  });
});
