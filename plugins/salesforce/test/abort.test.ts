import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FakeSalesforce } from "./fake/server.js";
import { fakeConfig, fakeWith, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

describe("an aborted lookup", () => {
  it("rejects with the signal's reason at once while Salesforce is still answering", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const release = fake.hold("search");
    const { lookup } = await open(fakeConfig(fake));
    const controller = new AbortController();
    const pending = lookup("05441000000", controller.signal);
    await vi.waitFor(() => expect(fake?.count("search")).toBe(1));
    const started = performance.now();
    controller.abort(new Error("deadline passed"));
    await expect(pending).rejects.toThrow("deadline passed");
    expect(performance.now() - started).toBeLessThan(100);
    release();
  });

  it("leaves the queue when it was waiting for one of the org's concurrency slots", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const release = fake.hold("search");
    const { lookup } = await open(fakeConfig(fake, { concurrency: 2 }));
    const running = [lookup("05441000000"), lookup("5441000001")];
    await vi.waitFor(() => expect(fake?.count("search")).toBe(2));
    const controller = new AbortController();
    const queued = lookup("905441000002", controller.signal);
    controller.abort(new Error("deadline passed"));
    await expect(queued).rejects.toThrow("deadline passed");
    release();
    expect((await Promise.all(running)).map((c) => c.length)).toEqual([1, 1]);
    // the aborted lookup never reached Salesforce, and no more than 2 searches ran at once
    expect(fake.count("search")).toBe(2);
    expect(fake.peak("search")).toBe(2);
  });

  it("holds the limit across tenants on the same credentials: the org's quota is one", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const release = fake.hold("search");
    const a = await open(fakeConfig(fake, { concurrency: 3 }));
    const b = await open(fakeConfig(fake, { concurrency: 2 }));
    const all = ["05441000000", "5441000001", "905441000002"].flatMap((n) => [a.lookup(n), b.lookup(n)]);
    await vi.waitFor(() => expect(fake?.count("search")).toBe(2));
    release();
    expect((await Promise.all(all)).every((c) => c.length === 1)).toBe(true);
    expect(fake.peak("search")).toBe(2);
    await a.adapter.close?.();
    await b.adapter.close?.();
  });
});
