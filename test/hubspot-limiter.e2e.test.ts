import type { RateLimiter } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, expect, it } from "vitest";
import { SlidingWindow } from "../packages/core/src/limits/sliding-window.js";
import { FakeHubSpot } from "../plugins/hubspot/test/fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts } from "../plugins/hubspot/test/fixtures.js";

// The HubSpot plugin under the hub's own limiter (core's sliding window): across packages, so it lives here
// rather than in the plugin, which depends on the sdk only.

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-rate");
  fake.searchLimit = 4; // HubSpot's rule: a fifth search arriving within any one second gets a 429
  fake.newConnectionMs = 150; // a new connection's first request arrives late (a TLS handshake)
});
afterEach(() => fake.close());

it("gets no 429 for a burst of 12 lookups right after new connections under the hub's limiter", async () => {
  const hub = new SlidingWindow();
  const rateLimiter = (_: string, perSecond: number): RateLimiter => ({
    acquire: (signal) => hub.acquire(perSecond, signal),
  });
  const account = `fresh-${Math.random().toString(36).slice(2)}`;
  const h = await openHubSpot({ ...config, rateLimit: { search: 4, account } }, { rateLimiter });
  const burst = Array.from({ length: 12 }, (_, i) => `0544300${String(i).padStart(4, "0")}`);
  const results = await Promise.allSettled(burst.map((n) => h.byPhone(n)));
  await h.close();
  expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  expect(fake.throttled).toBe(0);
  expect(fake.searches()).toHaveLength(12);
});
