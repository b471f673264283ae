import type { Logger } from "@santral-hub/sdk";
import { afterAll, describe, expect, it } from "vitest";
import type { HubConfig } from "../hub/config.js";
import { createLimiters, type Limiters } from "./limiters.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const live = () => new AbortController().signal;
const cache = (backend: "memory" | "redis", url = REDIS_URL): HubConfig["cache"] => ({
  backend,
  url,
  maxEntries: 100,
  commandTimeout: 100,
  downAfter: 3,
  probe: 1000,
  lock: 3000,
  wait: 1000,
});

const opened: Limiters[] = [];
async function limiters(backend: "memory" | "redis", options: Parameters<typeof createLimiters>[2] = {}, url?: string) {
  const made = await createLimiters(cache(backend, url), silent, options);
  opened.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
});

/** Acquires `n` slots at once on each limiter given and returns every grant time, sorted. */
async function burst(list: { acquire(signal: AbortSignal): Promise<void> }[], n: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    list.flatMap((limiter) =>
      Array.from({ length: n }, () => limiter.acquire(live()).then(() => void times.push(performance.now()))),
    ),
  );
  return times.sort((a, b) => a - b);
}

/** The least time between a grant and the one `perWindow` grants later: never under the window. */
function tightestSpan(times: number[], perWindow: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i + perWindow < times.length; i++)
    least = Math.min(least, (times[i + perWindow] ?? 0) - (times[i] ?? 0));
  return least;
}

describe("memory limiter (one process)", () => {
  it("grants at most perSecond slots in any window, and serves a burst first come, first served", async () => {
    const l = await limiters("memory", { windowMs: 200 });
    const limiter = l.get(`mem-${run}`, 3);
    const order: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: 9 }, (_, i) => limiter.acquire(live()).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 200 - 5);
    expect(tightestSpan(await burst([limiter], 6), 3)).toBeGreaterThanOrEqual(199);
  });

  it("rejects a waiter with its signal's reason when aborted, and hands its slot to the next", async () => {
    const l = await limiters("memory", { windowMs: 300 });
    const limiter = l.get(`abort-${run}`, 1);
    await limiter.acquire(live());
    const gone = new AbortController();
    const waiting = limiter.acquire(gone.signal);
    const next = limiter.acquire(live());
    gone.abort(new Error("deadline passed"));
    await expect(waiting).rejects.toThrow("deadline passed");
    const started = performance.now();
    await next;
    expect(performance.now() - started).toBeLessThan(400);
    const already = AbortSignal.abort(new Error("too late"));
    await expect(limiter.acquire(already)).rejects.toThrow("too late");
  });

  it("refuses a rate that is not a whole number of at least 1", async () => {
    const l = await limiters("memory");
    expect(() => l.get("x", 0)).toThrow(/perSecond must be a whole number/);
    expect(() => l.get("x", 2.5)).toThrow(/perSecond must be a whole number/);
  });
});

describe("redis limiter (every node on one Redis)", () => {
  it("keeps two hubs' limiters sharing Redis within one rate together", async () => {
    const [a, b] = [await limiters("redis"), await limiters("redis")];
    expect(a.healthy() && b.healthy(), `Redis at ${REDIS_URL} is not reachable: start it (.ci/run does)`).toBe(true);
    const name = `shared-${run}`;
    const started = performance.now();
    const times = await burst([a.get(name, 5), b.get(name, 5)], 10);
    // 20 slots at 5 a second: the first 5 at once, the last 5 no sooner than three windows later
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 1000);
    expect(tightestSpan(times, 5)).toBeGreaterThanOrEqual(1000);
    expect(a.healthy() && b.healthy()).toBe(true);
  });

  it("rejects a waiter queued on Redis with its signal's reason, and serves the next", async () => {
    const l = await limiters("redis");
    const limiter = l.get(`redis-abort-${run}`, 1);
    await limiter.acquire(live());
    const gone = new AbortController();
    const waiting = limiter.acquire(gone.signal);
    const next = limiter.acquire(live());
    setTimeout(() => gone.abort(new Error("deadline passed")), 100);
    const started = performance.now();
    await expect(waiting).rejects.toThrow("deadline passed");
    expect(performance.now() - started).toBeLessThan(300);
    await next;
  });

  it("fails open to a per-process limit when Redis is down, warning once", async () => {
    const warnings: string[] = [];
    const log = { ...silent, warn: (_: object, msg?: string) => void warnings.push(msg ?? "") };
    const down = await createLimiters(cache("redis", "redis://127.0.0.1:1"), log, { windowMs: 200, readyMs: 200 });
    opened.push(down);
    expect(down.healthy()).toBe(false);
    const times = await burst([down.get(`down-${run}`, 4)], 8);
    expect(tightestSpan(times, 4)).toBeGreaterThanOrEqual(199);
    expect(warnings).toEqual(["rate limits: Redis unreachable; limiting per process until it is back"]);
  });
});
