import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { type Contact, type Logger, parsePhone } from "@santral-hub/sdk";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cacheKey } from "./key.js";
import { LookupCache } from "./lookup-cache.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";
import { type CacheStore, ENTRY_VERSION } from "./store.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const contact = (id: string): Contact => ({ id, source: "test", phones: ["05441000000"], fields: {} });
const phone = parsePhone("05441000000") ?? undefined;
const TTLS = { ttlMs: 300, notFoundTtlMs: 100, staleForMs: 400 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
let seq = 0;
const freshKey = () => cacheKey(`t${run}-${++seq}`, "h", { phone });

const opened: CacheStore[] = [];
/** A store on the machine's Redis (the suite fails, never skips, when it is not there). */
function redis(url = REDIS_URL, log = silent): RedisStore {
  const store = new RedisStore({ url, commandTimeoutMs: 200, log });
  opened.push(store);
  return store;
}
/** The same, connected: a clear failure when the machine's Redis is not running. */
async function connected(): Promise<RedisStore> {
  const store = redis();
  if (!(await store.ready(3000))) throw new Error(`Redis at ${REDIS_URL} is not reachable: start it (.ci/run does)`);
  return store;
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/** A loader that counts its calls and answers after `ms`. */
function counter(result: Contact[] | Error, ms = 0) {
  const calls = { n: 0 };
  const load = async () => {
    calls.n++;
    await sleep(ms);
    if (result instanceof Error) throw result;
    return result;
  };
  return { calls, load };
}

for (const [name, makeStore] of [
  ["memory", async () => new MemoryStore(1000)],
  ["redis", connected],
] as const) {
  describe(`LookupCache on ${name}`, () => {
    const cache = async () => {
      const store = await makeStore();
      return new LookupCache(store, { lockMs: 2000, waitMs: 1000, log: silent });
    };

    it("answers a repeat lookup from the cache until the ttl passes", async () => {
      const c = await cache();
      const key = freshKey();
      const { calls, load } = counter([contact("a")]);
      expect(await c.get(key, TTLS, load)).toEqual({ contacts: [contact("a")], outcome: "miss" });
      expect(await c.get(key, TTLS, load)).toEqual({ contacts: [contact("a")], outcome: "hit" });
      expect(calls.n).toBe(1);
      await sleep(350);
      expect((await c.get(key, TTLS, load)).outcome).toBe("stale");
    });

    it("keeps a not-found answer for its own, shorter ttl", async () => {
      const c = await cache();
      const key = freshKey();
      const { calls, load } = counter([]);
      await c.get(key, TTLS, load);
      expect((await c.get(key, TTLS, load)).outcome).toBe("hit");
      await sleep(130);
      expect((await c.get(key, TTLS, load)).outcome).toBe("stale");
      await sleep(30); // the background refresh
      expect(calls.n).toBe(2);
    });

    it("serves a stale answer at once and refreshes it in the background", async () => {
      const c = await cache();
      const key = freshKey();
      await c.get(key, TTLS, counter([contact("old")]).load);
      await sleep(320);
      const refresh = counter([contact("new")], 50);
      const started = Date.now();
      expect(await c.get(key, TTLS, refresh.load)).toEqual({ contacts: [contact("old")], outcome: "stale" });
      expect(Date.now() - started).toBeLessThan(40);
      await sleep(120);
      expect(await c.get(key, TTLS, refresh.load)).toEqual({ contacts: [contact("new")], outcome: "hit" });
      expect(refresh.calls.n).toBe(1);
    });

    it("never caches an error: the next lookup asks the CRM again", async () => {
      const c = await cache();
      const key = freshKey();
      const failing = counter(new Error("CRM down"));
      await expect(c.get(key, TTLS, failing.load)).rejects.toThrow("CRM down");
      await expect(c.get(key, TTLS, failing.load)).rejects.toThrow("CRM down");
      expect(failing.calls.n).toBe(2);
    });

    it("makes one CRM call for 100 concurrent lookups of one key", async () => {
      const c = await cache();
      const key = freshKey();
      const { calls, load } = counter([contact("a")], 50);
      const answers = await Promise.all(Array.from({ length: 100 }, () => c.get(key, TTLS, load)));
      expect(calls.n).toBe(1);
      expect(answers.every((a) => a.contacts[0]?.id === "a")).toBe(true);
    });

    it("purges one number, or a whole tenant", async () => {
      const c = await cache();
      const tenant = `purge${run}${name}`;
      const other = parsePhone("05321112233") ?? undefined;
      const k1 = cacheKey(tenant, "h1", { phone });
      const k2 = cacheKey(tenant, "h2", { phone });
      const k3 = cacheKey(tenant, "h1", { phone: other });
      for (const k of [k1, k2, k3]) await c.get(k, TTLS, counter([contact(k)]).load);
      expect(await c.purge(tenant, { phone })).toBe(2);
      expect((await c.get(k1, TTLS, counter([]).load)).outcome).toBe("miss");
      expect((await c.get(k3, TTLS, counter([]).load)).outcome).toBe("hit");
      expect(await c.purge(tenant)).toBe(2);
      expect((await c.get(k3, TTLS, counter([]).load)).outcome).toBe("miss");
    });
  });
}

describe("LookupCache across hub nodes sharing Redis", () => {
  it("lets one node ask the CRM while the other waits for its answer", async () => {
    const key = freshKey();
    const { calls, load } = counter([contact("a")], 150);
    const nodes = (await Promise.all([connected(), connected()])).map(
      (store) => new LookupCache(store, { lockMs: 2000, waitMs: 1000, log: silent }),
    );
    const answers = await Promise.all(
      nodes.flatMap((node) => Array.from({ length: 50 }, () => node.get(key, TTLS, load))),
    );
    expect(calls.n).toBe(1);
    expect(answers.every((a) => a.contacts[0]?.id === "a")).toBe(true);
  });

  it("asks the CRM itself when the node holding the lock never answers", async () => {
    const key = freshKey();
    const store = await connected();
    await store.lock(`${key}:lock`, 5000); // a node that took the lock and died
    const node = new LookupCache(await connected(), { lockMs: 2000, waitMs: 100, log: silent });
    const { calls, load } = counter([contact("b")]);
    expect((await node.get(key, TTLS, load)).contacts).toEqual([contact("b")]);
    expect(calls.n).toBe(1);
  });

  it("reads an entry of another version as a miss", async () => {
    const key = freshKey();
    const store = await connected();
    await store.set(key, {
      v: ENTRY_VERSION + 1,
      freshUntil: Date.now() + 9e5,
      staleUntil: Date.now() + 9e5,
      contacts: [],
    } as never);
    const { calls, load } = counter([contact("c")]);
    expect((await new LookupCache(store, { lockMs: 500, waitMs: 100, log: silent }).get(key, TTLS, load)).outcome).toBe(
      "miss",
    );
    expect(calls.n).toBe(1);
  });
});

describe("a Redis outage", () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill("SIGKILL");
  });

  it("keeps answering from the CRM, logs the outage once, and uses Redis again when it is back", async () => {
    const port = await freePort();
    const start = () =>
      spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: "ignore",
      });
    server = start();
    const warnings: string[] = [];
    const log: Logger = { ...silent, warn: (_: object, msg?: string) => void warnings.push(msg ?? "") };
    const store = redis(`redis://127.0.0.1:${port}`, log);
    const cache = new LookupCache(store, { lockMs: 500, waitMs: 100, log });
    await waitUntil(() => store.healthy());
    const key = freshKey();
    const { calls, load } = counter([contact("a")]);
    expect((await cache.get(key, TTLS, load)).outcome).toBe("miss");

    server.kill("SIGKILL");
    await waitUntil(() => !store.healthy());
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      expect((await cache.get(key, TTLS, load)).contacts).toEqual([contact("a")]);
      expect(Date.now() - started).toBeLessThan(300);
    }
    expect(calls.n).toBe(21);
    expect(warnings.filter((w) => w.startsWith("redis:"))).toHaveLength(1);

    server = start();
    await waitUntil(() => store.healthy(), 10_000);
    await cache.get(key, TTLS, load);
    expect((await cache.get(key, TTLS, load)).outcome).toBe("hit");
  });

  it("answers from the CRM within the command time-out while Redis hangs, then from Redis again", async () => {
    const port = await freePort();
    server = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    const store = redis(`redis://127.0.0.1:${port}`);
    const cache = new LookupCache(store, { lockMs: 500, waitMs: 100, log: silent });
    await waitUntil(() => store.healthy());
    const key = freshKey();
    const { calls, load } = counter([contact("a")]);
    const long = { ...TTLS, ttlMs: 60_000 };
    await cache.get(key, long, load);
    expect((await cache.get(key, long, load)).outcome).toBe("hit");

    server.kill("SIGSTOP"); // connected, but answering nothing
    try {
      const started = Date.now();
      const answers = await Promise.all([1, 2, 3].map(() => cache.get(key, long, load)));
      expect(answers.map((a) => a.contacts)).toEqual([[contact("a")], [contact("a")], [contact("a")]]);
      // the GET times out (200 ms), then the lock's SET NX does (200 ms): the CRM answers, once for the three
      expect(Date.now() - started).toBeLessThan(1000);
      expect(calls.n).toBe(2);
    } finally {
      server.kill("SIGCONT");
    }
    await waitUntil(() => store.healthy());
    expect((await cache.get(key, long, load)).outcome).toBe("hit");
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitUntil(predicate: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await sleep(20);
  }
}
