import { setTimeout as sleep } from "node:timers/promises";
import type { SeedRecord } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ANSWERS, type FakeSalesforce, startFakeSalesforce } from "./fake/server.js";
import { fakeConfig, KEYS, LEAD, open, seedRecords } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

/** A Lead, whose owner's extension comes from a User query of its own (Lead.Owner may be a queue). */
const LALE: SeedRecord = {
  id: "lead",
  kind: "Lead",
  phones: ["0212 444 55 66"],
  firstName: "Lale",
  lastName: "Aday",
  ownerName: "Ece Su",
  ownerExtension: "305",
};
const NUMBER = "02124445566";

async function org(): Promise<FakeSalesforce> {
  fake = await startFakeSalesforce({ publicKey: KEYS.publicKey });
  seedRecords(fake, [LALE]);
  return fake;
}

const settled = (lookups: Promise<unknown>[]) => Promise.all(lookups.map((l) => l.catch((e: unknown) => e)));

describe("an org that answers REQUEST_LIMIT_EXCEEDED", () => {
  it("is left alone for backoff.requestLimit: its lookups fail at once as rate_limited, with no request", async () => {
    const f = await org();
    const config = fakeConfig(f, { objects: [LEAD], customerNumber: undefined });
    const { lookup, log } = await open({ ...config, backoff: { requestLimit: { first: "500ms", max: "2s" } } });
    f.fail("search", ANSWERS.limitExceeded);
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(f.count("search")).toBe(1);
    // a surge meanwhile, and another tenant signing in with the same credentials: not one request reaches the org
    const other = await open(config);
    const errors = await settled([...Array.from({ length: 10 }, () => lookup(NUMBER)), other.lookup(NUMBER)]);
    expect(errors).toEqual(
      Array.from({ length: 11 }, () =>
        expect.objectContaining({
          kind: "rate_limited",
          message: expect.stringMatching(/REQUEST_LIMIT_EXCEEDED\); no request to it for another \d+ ms$/),
        }),
      ),
    );
    expect(f.count("search")).toBe(1);
    expect(log.entries).toContainEqual(
      expect.objectContaining({ stage: "search", errorCode: "REQUEST_LIMIT_EXCEEDED", pauseMs: 500 }),
    );
    // after the pause the next lookup asks again; refused again, the pause doubles
    await sleep(600);
    f.fail("search", ANSWERS.limitExceeded);
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(log.entries).toContainEqual(expect.objectContaining({ pauseMs: 1000 }));
    await sleep(300);
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(f.count("search")).toBe(2);
    await sleep(800);
    expect((await lookup(NUMBER)).map((c) => c.name)).toEqual(["Lale Aday"]);
    expect(f.count("search")).toBe(3);
  });
});

describe("a caller found while the owners' User query is refused", () => {
  it("is answered with the contact, without the owner's extension, and the failure is logged without personal data", async () => {
    const f = await org();
    const { lookup, log } = await open(fakeConfig(f, { objects: [LEAD], customerNumber: undefined }));
    f.fail("query", ANSWERS.unavailable);
    const [lale, ...rest] = await lookup(NUMBER);
    expect(rest).toEqual([]);
    expect(lale).toMatchObject({ kind: "Lead", name: "Lale Aday", owner: { name: "Ece Su" } });
    expect(lale?.owner?.extension).toBeUndefined();
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        stage: "users",
        kind: "unavailable",
        msg: "salesforce: the owners' User fields could not be read; answering without them",
      }),
    );
    expect(JSON.stringify(log.entries)).not.toMatch(/Lale|Aday|Ece|4445566|444 55 66|005\w{12}/);
    // nothing of the failure is remembered: the next lookup reads the owner
    expect((await lookup(NUMBER))[0]?.owner).toEqual({ name: "Ece Su", extension: "305" });
    expect(f.count("query")).toBe(2);
  });

  it("is answered too when the org's request limit runs out at the owners' query", async () => {
    const f = await org();
    const { lookup } = await open(fakeConfig(f, { objects: [LEAD], customerNumber: undefined }));
    f.fail("query", ANSWERS.limitExceeded);
    expect((await lookup(NUMBER)).map((c) => [c.name, c.owner?.extension])).toEqual([["Lale Aday", undefined]]);
  });
});

describe("credentials the token endpoint refuses", () => {
  it("are not asked about again during backoff.credentials, doubling while refused; a success resets it", async () => {
    const f = await org();
    const config = fakeConfig(f, { objects: [LEAD], customerNumber: undefined });
    const { lookup, log } = await open({ ...config, backoff: { credentials: { first: "300ms", max: "600ms" } } });
    const secret = f.app.clientSecret;
    f.app.clientSecret = "rotated-in-salesforce"; // the tenant's secret is stale
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "auth" });
    expect(f.count("token")).toBe(1);
    const errors = await settled(Array.from({ length: 10 }, () => lookup(NUMBER)));
    expect(errors).toEqual(
      Array.from({ length: 10 }, () =>
        expect.objectContaining({
          kind: "auth",
          message: expect.stringMatching(
            /^salesforce: the token endpoint refused the credentials \(invalid_client: invalid client credentials\); check auth; not asking again for another \d+ ms$/,
          ),
        }),
      ),
    );
    expect(f.count("token")).toBe(1);
    await sleep(400);
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "auth" });
    expect(f.count("token")).toBe(2);
    await sleep(200); // the second wait is 600 ms
    await expect(lookup(NUMBER)).rejects.toMatchObject({ message: expect.stringContaining("not asking again") });
    expect(f.count("token")).toBe(2);
    expect(log.entries.filter((e) => e.stage === "token").map((e) => e.retryInMs)).toEqual([300, 600]);
    // the secret is fixed: after the wait the next lookup signs in, and a later refusal starts from the first wait
    f.app.clientSecret = secret;
    await sleep(500);
    expect(await lookup(NUMBER)).toHaveLength(1);
    expect(f.count("token")).toBe(3);
    f.app.clientSecret = "rotated-again";
    f.expireSessions();
    await expect(lookup(NUMBER)).rejects.toMatchObject({ kind: "auth" });
    expect(log.entries.filter((e) => e.stage === "token").map((e) => e.retryInMs)).toEqual([300, 600, 300]);
    expect(JSON.stringify(log.entries)).not.toMatch(/rotated|fake-client-secret/);
  });
});
