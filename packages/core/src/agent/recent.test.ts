import Database from "better-sqlite3";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOf, endOfDay } from "./day.js";
import { MemoryRecentCards, type RecentOptions } from "./recent.js";
import { RedisRecentCards } from "./redis-recent.js";
import { SqliteRecentCards } from "./sqlite-recent.js";
import { connectTestRedis, dropPrefix, testCard, testPrefix } from "./testing.js";
import type { RecentCards } from "./types.js";

// 12:00 today in Istanbul (UTC+3): today, since Redis expires the day's list at its end
const [year, month, day] = dayOf(Date.now(), "Europe/Istanbul").split("-").map(Number);
const NOON = Date.UTC(year ?? 0, (month ?? 1) - 1, day, 9, 0);
const MIDNIGHT = endOfDay(NOON, "Europe/Istanbul");

let redis: Redis;
const prefix = testPrefix();
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const backends: [string, (options: RecentOptions) => RecentCards][] = [
  ["memory", (options) => new MemoryRecentCards(options)],
  ["SQLite", (options) => new SqliteRecentCards(new Database(":memory:"), options)],
  ["Redis", (options) => new RedisRecentCards(redis, `${prefix}${Math.random()}:`, options)],
];

describe.each(backends)("today's cards on %s", (_name, create) => {
  it("keep one card per call, the latest event of it, latest call first", async () => {
    const recent = create({ now: () => NOON + 60_000 });
    const first = testCard({ id: "a", at: NOON - 5000 });
    const second = testCard({ id: "b", at: NOON - 1000 });
    await recent.add(first);
    await recent.add(second);
    await recent.add({ ...first, event: "ended", at: NOON, ended: { disposition: "missed" } });
    // an event of the call delivered late, after its end: the end stays
    await recent.add({ ...first, event: "answered", at: NOON - 4000 });
    const cards = await recent.list("acme");
    expect(cards.map((c) => [c.id, c.event])).toEqual([
      ["a", "ended"],
      ["b", "ringing"],
    ]);
    expect(cards[0]?.contact?.name).toBe("Şükrü Çelik");
  });

  it("keep each tenant's apart and at most `max` calls, and show none of yesterday's", async () => {
    const recent = create({ max: 3, now: () => NOON });
    for (let i = 0; i < 5; i++) await recent.add(testCard({ id: `c${i}`, at: NOON - 10_000 + i }));
    await recent.add(testCard({ tenant: "globex", id: "g", at: NOON - 1 }));
    expect((await recent.list("acme")).map((c) => c.id)).toEqual(["c4", "c3", "c2"]);
    expect((await recent.list("globex")).map((c) => c.id)).toEqual(["g"]);
    expect(await recent.list("acme", NOON + 86_400_000)).toEqual([]);
    // 23:59 in Istanbul is still the same day; 00:01 is the next
    expect(MIDNIGHT - NOON).toBe(12 * 3_600_000);
    expect(await recent.list("acme", MIDNIGHT - 60_000)).toHaveLength(3);
    expect(await recent.list("acme", MIDNIGHT + 60_000)).toEqual([]);
  });
});

describe("today's cards in Redis", () => {
  it("expire an hour after the tenant's day ends", async () => {
    const own = `${prefix}ttl:`;
    const recent = new RedisRecentCards(redis, own, { now: () => NOON });
    const at = Date.now();
    await recent.add(testCard({ at }));
    const [key] = await redis.keys(`${own}*`);
    const expireAt = await redis.pexpiretime(key ?? "");
    expect(expireAt).toBe(endOfDay(at, "Europe/Istanbul") + 3_600_000);
  });
});
