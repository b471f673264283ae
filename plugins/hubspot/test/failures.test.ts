import { isCrmError } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { CLOSED_URL, type ConfigInput, openHubSpot, seedContacts, timed } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-failures");
});
afterEach(() => fake.close());

/** Looks a caller up once and returns the error, which must be a CrmError, and how long it took. */
async function failure(input: ConfigInput, signal?: AbortSignal) {
  const h = await openHubSpot(input);
  const { error, ms } = await timed(() => h.byPhone("05441000000", signal));
  await h.close();
  expect(isCrmError(error), `a CrmError, not ${String(error)}`).toBe(true);
  const logged = JSON.stringify(h.log.all);
  expect(logged).not.toMatch(/5441000000|pat-failures/);
  return { error: error as { kind: string; message: string }, ms };
}

describe("an outage", () => {
  it("a refused connection is unavailable, at once", async () => {
    const { error, ms } = await failure({ ...config, baseUrl: CLOSED_URL });
    expect(error).toMatchObject({
      kind: "unavailable",
      message: "hubspot: search contacts: cannot reach HubSpot (ECONNREFUSED)",
    });
    expect(ms).toBeLessThan(500);
  });

  it("HubSpot's 5xx is unavailable", async () => {
    fake.fault({ status: 503 });
    const { error } = await failure(config);
    expect(error).toMatchObject({
      kind: "unavailable",
      message: "hubspot: search contacts: HubSpot answered 503 INTERNAL_ERROR",
    });
  });

  it("a proxy's HTML 502 page is unavailable too", async () => {
    fake.fault({ status: 502, html: true });
    const { error } = await failure(config);
    expect(error).toMatchObject({ kind: "unavailable", message: "hubspot: search contacts: HubSpot answered 502" });
  });

  it("a HubSpot slower than requestTimeout is a timeout", async () => {
    fake.delayMs = 1000;
    const { error, ms } = await failure({ ...config, requestTimeout: "200ms" });
    expect(error).toMatchObject({
      kind: "timeout",
      message: "hubspot: search contacts: no answer within requestTimeout (200 ms)",
    });
    expect(ms).toBeLessThan(600);
  });

  it("a request HubSpot refuses as invalid is bad_config, quoting HubSpot without the numbers searched", async () => {
    fake.fault({ status: 400, message: 'Property values were not valid: [{"value":"05441000000","name":"phone"}]' });
    const { error } = await failure(config);
    expect(error.kind).toBe("bad_config");
    expect(error.message).toContain("400 VALIDATION_ERROR: Property values were not valid");
    expect(error.message).not.toContain("5441000000");
  });
});

describe("an aborted lookup", () => {
  it("rejects with the signal's reason at once and drops the request HubSpot is still answering", async () => {
    fake.delayMs = 2000;
    const h = await openHubSpot(config);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline passed")), 200);
    const { error, ms } = await timed(() => h.byPhone("05441000000", controller.signal));
    expect(error).toMatchObject({ message: "deadline passed" });
    expect(ms).toBeLessThan(500);
    await vi.waitFor(() => expect(fake.dropped).toBe(1), { timeout: 1000, interval: 20 });
    await h.close();
  });

  it("a closed adapter answers unavailable, and closing twice is harmless", async () => {
    const h = await openHubSpot(config);
    await h.close();
    await h.close();
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({ kind: "unavailable" });
  });
});
