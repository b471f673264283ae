import type { RateLimiter } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts, timed } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-rate");
});
afterEach(() => fake.close());

/** A hub limiter that records who asked, and lets every request through. */
function recordingLimiters() {
  const asked: { name: string; perSecond: number }[] = [];
  let acquired = 0;
  const rateLimiter = (name: string, perSecond: number): RateLimiter => {
    asked.push({ name, perSecond });
    return { acquire: async () => void acquired++ };
  };
  return { asked, rateLimiter, acquired: () => acquired };
}

describe("the account's rate limit", () => {
  it("takes a slot of the hub's limiter for every request, named for the account", async () => {
    const hub = recordingLimiters();
    const h = await openHubSpot({ ...config, rateLimit: { search: 4, other: 9 } }, { rateLimiter: hub.rateLimiter });
    await h.byPhone("05441000000");
    await h.byPhone("05441000009");
    expect(hub.asked).toEqual([
      { name: expect.stringMatching(/^hubspot:search:[0-9a-f]{16}$/), perSecond: 4 },
      { name: expect.stringMatching(/^hubspot:other:[0-9a-f]{16}$/), perSecond: 9 },
    ]);
    expect(hub.acquired()).toBe(fake.seen.length); // 2 searches and 3 owners
    expect(JSON.stringify(hub.asked)).not.toContain("pat-rate");
    await h.close();
  });

  it("lets tenants share one account's limit by naming it", async () => {
    const hub = recordingLimiters();
    const a = await openHubSpot({ ...config, rateLimit: { account: "portal-4242" } }, { rateLimiter: hub.rateLimiter });
    const b = await openHubSpot({ ...config, rateLimit: 3 }, { rateLimiter: hub.rateLimiter });
    expect(hub.asked.map((x) => x.name)).toEqual([
      "hubspot:search:portal-4242",
      "hubspot:other:portal-4242",
      expect.stringMatching(/^hubspot:search:/),
      expect.stringMatching(/^hubspot:other:/),
    ]);
    expect(hub.asked[2]?.perSecond).toBe(3);
    await a.close();
    await b.close();
  });

  it("keeps a burst within rateLimit.search a second on its own, outside a hub", async () => {
    const h = await openHubSpot({ ...config, rateLimit: { search: 5, account: `burst-${Date.now()}` } });
    const callers = Array.from({ length: 10 }, (_, i) => `0544200${String(i).padStart(4, "0")}`);
    const { ms } = await timed(() => Promise.all(callers.map((n) => h.byPhone(n))));
    expect(fake.searches()).toHaveLength(10);
    expect(fake.maxPerSecond()).toBeLessThanOrEqual(5);
    expect(ms).toBeGreaterThanOrEqual(1000);
    await h.close();
  });

  it("gives up as rate_limited when no slot comes before the lookup's signal aborts", async () => {
    const never: RateLimiter = {
      acquire: (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    };
    const h = await openHubSpot({ ...config, rateLimit: 4 }, { rateLimiter: () => never });
    const { error, ms } = await timed(() => h.byPhone("05441000000", AbortSignal.timeout(150)));
    expect(error).toMatchObject({
      kind: "rate_limited",
      message: "hubspot: search contacts: no slot within the account's search limit (4/s) in time",
    });
    expect(ms).toBeLessThan(400);
    expect(fake.searches()).toHaveLength(0);
    await h.close();
  });
});

describe("HubSpot's secondly limit, counted where HubSpot counts it", () => {
  const burst = Array.from({ length: 12 }, (_, i) => `0544300${String(i).padStart(4, "0")}`);
  beforeEach(() => {
    fake.searchLimit = 4; // HubSpot's rule: a fifth search arriving within any one second gets a 429
    fake.newConnectionMs = 150; // a new connection's first request arrives late (a TLS handshake)
  });

  async function lookUpBurst(context: Parameters<typeof openHubSpot>[1] = {}) {
    const account = `fresh-${Math.random().toString(36).slice(2)}`;
    const h = await openHubSpot({ ...config, rateLimit: { search: 4, account } }, context);
    const results = await Promise.allSettled(burst.map((n) => h.byPhone(n)));
    await h.close();
    return results.filter((r) => r.status === "rejected").map((r) => r.reason);
  }

  it("gets no 429 for a burst of 12 lookups right after new connections, outside a hub", async () => {
    expect(await lookUpBurst()).toEqual([]);
    expect(fake.throttled).toBe(0);
    expect(fake.searches()).toHaveLength(12);
  });
});

describe("HubSpot's 429", () => {
  it("is waited out when Retry-After is within retry.maxWait, then the search is sent again", async () => {
    fake.fault({ status: 429, retryAfter: 0.3, times: 1 });
    const h = await openHubSpot(config);
    const { value, ms } = await timed(() => h.byPhone("05441000000"));
    expect(value?.map((c) => c.name)).toEqual(["Ayşe Yılmaz"]);
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(fake.searches()).toHaveLength(2);
    expect(h.log.all).toContainEqual(
      expect.objectContaining({ level: "warn", status: 429, policy: "SECONDLY", waitMs: 300 }),
    );
    await h.close();
  });

  it("gives up at once as rate_limited when Retry-After is longer than retry.maxWait", async () => {
    fake.fault({ status: 429, retryAfter: 10 });
    const h = await openHubSpot({ ...config, retry: { maxWait: "2s" } });
    const { error, ms } = await timed(() => h.byPhone("05441000000"));
    expect(error).toMatchObject({
      kind: "rate_limited",
      message: "hubspot: search contacts: HubSpot's SECONDLY limit is used up (429)",
    });
    expect(ms).toBeLessThan(200);
    expect(fake.searches()).toHaveLength(1);
    await h.close();
  });

  it("gives up at once on the daily limit, which no wait within a call outlasts", async () => {
    fake.fault({ status: 429, policy: "DAILY" });
    const h = await openHubSpot(config);
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({
      kind: "rate_limited",
      message: expect.stringContaining("DAILY"),
    });
    expect(fake.searches()).toHaveLength(1);
    await h.close();
  });

  it("waits out at most retry.attempts 429s of one search", async () => {
    fake.fault({ status: 429, retryAfter: 0.05 });
    const h = await openHubSpot({ ...config, retry: { attempts: 2 } });
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({ kind: "rate_limited" });
    expect(fake.searches()).toHaveLength(3);
    await h.close();
  });

  it("gives up as rate_limited, at once, when the lookup's signal aborts during the wait", async () => {
    fake.fault({ status: 429, retryAfter: 1 });
    const h = await openHubSpot(config);
    const { error, ms } = await timed(() => h.byPhone("05441000000", AbortSignal.timeout(200)));
    expect(error).toMatchObject({
      kind: "rate_limited",
      message: "hubspot: search contacts: HubSpot's rate limit (429) outlasted the lookup",
    });
    expect(ms).toBeLessThan(400);
    expect(fake.searches()).toHaveLength(1);
    await h.close();
  });

  it("without Retry-After, waits HubSpot's secondly window", async () => {
    fake.fault({ status: 429, times: 1 });
    const h = await openHubSpot(config);
    const { ms } = await timed(() => h.byPhone("05441000000"));
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(fake.searches()).toHaveLength(2);
    await h.close();
  });
});
