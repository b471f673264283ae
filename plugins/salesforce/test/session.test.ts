import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "./fake/server.js";
import { fakeConfig, fakeWith, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

const NUMBERS = ["05441000000", "5441000001", "905441000002", "+905441000003", "05441000004"];

describe("the session", () => {
  it("is signed in once, by the first lookup, and shared by lookups running at the same time", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake, { concurrency: 5 }));
    const found = await Promise.all(NUMBERS.map((n) => lookup(n)));
    expect(found.map((c) => c.length)).toEqual([1, 1, 1, 1, 1]);
    await lookup("05441000000");
    expect(fake.count("token")).toBe(1);
    expect(fake.count("search")).toBe(6);
  });

  it("is renewed when it expires mid-run: one new token, shared, and each lookup retried once", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup, log } = await open(fakeConfig(fake, { concurrency: 5 }));
    expect(await lookup("05441000000")).toHaveLength(1);
    fake.expireSessions();
    const found = await Promise.all(NUMBERS.map((n) => lookup(n)));
    expect(found.map((c) => c.length)).toEqual([1, 1, 1, 1, 1]);
    expect(fake.count("token")).toBe(2);
    // 1 before, 5 refused with the expired token, 5 retried with the new one
    expect(fake.count("search")).toBe(11);
    expect(log.entries.some((e) => e.msg === "salesforce: session expired or invalid, signing in again")).toBe(true);
    expect(JSON.stringify(log.entries)).not.toMatch(/00D5g|Bearer/);
  });

  it("fails as auth when Salesforce refuses the fresh token too, after exactly one retry", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    fake.refuseSessions = true;
    await expect(lookup("05441000000")).rejects.toMatchObject({
      kind: "auth",
      plugin: "salesforce",
      message: "salesforce: Salesforce refused a fresh token too (INVALID_SESSION_ID): check the app's policies",
    });
    expect(fake.count("token")).toBe(2);
    expect(fake.count("search")).toBe(2);
    // the next call tries again from the start: a refused session is never remembered
    fake.refuseSessions = false;
    expect(await lookup("05441000000")).toHaveLength(1);
  });

  it("is not kept when the grant fails: the next lookup asks for a token again", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    fake.fail("token", { status: 503, body: "<html>down</html>", contentType: "text/html" });
    await expect(lookup("05441000000")).rejects.toMatchObject({
      kind: "unavailable",
      message: "salesforce: the token endpoint failed (ERROR_HTTP_503)",
    });
    expect(await lookup("05441000000")).toHaveLength(1);
    expect(fake.count("token")).toBe(2);
  });
});
