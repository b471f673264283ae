import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobIdOf, RedisOutbox, type RedisOutboxOptions } from "./redis-outbox.js";
import {
  captureLog,
  type OpenOptions,
  outboxContract,
  REDIS_URL,
  sleep,
  startDoomedProcess,
  until,
} from "./testing.js";
import type { OutboxJob } from "./types.js";

let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis at ${REDIS_URL} is not reachable (${error.message}): start it (.ci/run does)`);
  });
});

afterAll(async () => {
  await redis.quit();
});

/** A prefix per test; every instance opened on it is closed, and its keys deleted, at the end. */
function redisBackend() {
  const prefix = `test:outbox:${randomUUID().slice(0, 8)}`;
  const opened: RedisOutbox[] = [];
  return {
    prefix,
    open(options: OpenOptions & Partial<RedisOutboxOptions> = {}) {
      const outbox = new RedisOutbox({ connection: { url: REDIS_URL }, prefix, ...options });
      opened.push(outbox);
      return outbox;
    },
    async cleanup() {
      await Promise.all(opened.map((o) => o.close()));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    },
  };
}

outboxContract("Redis", redisBackend);

describe("Redis outbox, on a shared Redis", () => {
  let b: ReturnType<typeof redisBackend>;
  beforeEach(() => {
    b = redisBackend();
  });
  afterEach(async () => {
    await b.cleanup();
  });

  it("runs each job exactly once with two hub nodes on one prefix", async () => {
    const nodes = [b.open(), b.open()];
    const ran: { id: string; node: number }[] = [];
    nodes.forEach((node, i) => {
      node.work("notify", async (job) => {
        ran.push({ id: job.id, node: i });
        await sleep(10);
      });
    });
    const ids = Array.from({ length: 30 }, (_, i) => `notify:acme:${i}`);
    // each node receives every event, as when the PBX retries a webhook to another node
    const added = await Promise.all(
      ids.flatMap((id) => nodes.map((node) => node.add({ id, kind: "notify", tenant: "acme", payload: { id } }))),
    );
    expect(added.filter(Boolean)).toHaveLength(ids.length);
    await until(() => ran.length >= ids.length, "every job to run");
    await sleep(300);
    expect(ran.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("runs a job again after the node running it was killed, once its lock runs out", async () => {
    const before = b.open();
    await before.add({ id: "crash:acme:1", kind: "crash", tenant: "acme", payload: { n: 1 } });
    const doomed = await startDoomedProcess(["redis", b.prefix]);
    await doomed.kill();

    const after = b.open({ lockMs: 500, stalledIntervalMs: 200 });
    const runs: OutboxJob<unknown>[] = [];
    const killedAt = Date.now();
    after.work("crash", async (job) => {
      runs.push(job);
    });
    await until(() => runs.length === 1, "the job to run again", 5000);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    expect(runs[0]).toMatchObject({ id: "crash:acme:1", attempts: 1, payload: { n: 1 } });
  });

  it("hands a job of a kind this node does not run back, for a node that runs it (a rolling deploy)", async () => {
    const { log, lines } = captureLog();
    const old = b.open({ log });
    const ran: string[] = [];
    old.work("event", async (job) => {
      ran.push(`old node: ${job.id}`);
    });
    await old.add({ id: "notify:acme:1", kind: "notify", tenant: "acme", payload: {} });
    await until(() => lines.some((l) => l.msg?.includes("no handler")), "the old node to hand the job back");
    const upgraded = b.open();
    upgraded.work("notify", async (job) => {
      ran.push(`new node: ${job.id}`);
    });
    await old.close();
    await until(() => ran.length === 1, "the job to run on the new node");
    expect(ran).toEqual(["new node: notify:acme:1"]);
    expect(await upgraded.dead()).toEqual([]);
  });

  it("takes ids bullmq would refuse (with ':', or reading as integers) as they are", async () => {
    const outbox = b.open();
    const ids = ["12345", "%i12345", "a:b", "a%3Ab", "0", "-7"];
    expect(new Set(ids.map(jobIdOf)).size).toBe(ids.length);
    for (const id of ids) expect(await outbox.add({ id, kind: "notify", tenant: "acme", payload: { id } })).toBe(true);
    for (const id of ids) expect(await outbox.add({ id, kind: "notify", tenant: "acme", payload: {} })).toBe(false);
    const ran: unknown[] = [];
    outbox.work("notify", async (job) => {
      expect(job.payload).toEqual({ id: job.id });
      ran.push(job.id);
    });
    await until(() => ran.length === ids.length, "every job to run");
    expect([...ran].sort()).toEqual([...ids].sort());
  });

  it("keeps a done job's id but not its payload", async () => {
    const outbox = b.open();
    let done = false;
    outbox.work("notify", async () => {
      done = true;
    });
    const job = { id: "notify:acme:1", kind: "notify", tenant: "acme", payload: { name: "Şükrü Çelik" } };
    await outbox.add(job);
    await until(() => done, "the job to run");
    await until(async () => (await redis.zcard(`${b.prefix}:jobs:completed`)) === 1, "the job to be completed");
    const data = await redis.hget(`${b.prefix}:jobs:${jobIdOf(job.id)}`, "data");
    expect(data).toContain('"tenant":"acme"');
    expect(data).not.toContain("Şükrü");
    expect(await outbox.add(job)).toBe(false);
  });

  it("keeps its keys under its prefix", async () => {
    const outbox = b.open();
    await outbox.add({ id: "notify:acme:1", kind: "notify", tenant: "acme", payload: {} });
    const keys = await redis.keys(`*${jobIdOf("notify:acme:1")}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(`${b.prefix}:`)).toBe(true);
  });
});
