import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Card } from "../calls/types.js";
import { LocalCardBus } from "./bus.js";
import { MemoryRecentCards } from "./recent.js";
import { RedisCardBus } from "./redis-bus.js";
import { connectTestRedis, dropPrefix, testCard, testPrefix } from "./testing.js";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Collects the cards a listener gets; `next` waits for the n-th. */
function collector() {
  const cards: Card[] = [];
  const waiting: (() => void)[] = [];
  return {
    cards,
    listener: (card: Card) => {
      cards.push(card);
      for (const wake of waiting.splice(0)) wake();
    },
    async count(n: number, ms = 3000): Promise<Card[]> {
      const end = Date.now() + ms;
      while (cards.length < n) {
        if (Date.now() > end) throw new Error(`got ${cards.length} cards, waited for ${n}`);
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return cards;
    },
  };
}

describe("the in-process card bus", () => {
  it("delivers a tenant's cards to that tenant's subscribers only, and keeps them for today", async () => {
    const bus = new LocalCardBus(new MemoryRecentCards());
    const acme = collector();
    const globex = collector();
    await bus.subscribe("acme", acme.listener);
    const stop = await bus.subscribe("globex", globex.listener);
    const card = testCard();
    await bus.publish("acme", card);
    expect(acme.cards).toEqual([card]);
    expect(globex.cards).toEqual([]);
    stop();
    await bus.publish("globex", testCard({ tenant: "globex" }));
    expect(globex.cards).toEqual([]);
    expect((await bus.recent("acme")).map((c) => c.id)).toEqual([card.id]);
  });

  it("refuses a card published under another tenant's name", async () => {
    const bus = new LocalCardBus(new MemoryRecentCards());
    await expect(bus.publish("globex", testCard())).rejects.toThrow('is of tenant "acme", published for "globex"');
  });
});

describe("the card bus on Redis, across nodes", () => {
  let clientA: Redis;
  let clientB: Redis;
  const prefix = testPrefix();
  let nodeA: RedisCardBus;
  let nodeB: RedisCardBus;
  beforeAll(async () => {
    clientA = await connectTestRedis();
    clientB = await connectTestRedis();
    nodeA = new RedisCardBus({ client: clientA, prefix });
    nodeB = new RedisCardBus({ client: clientB, prefix });
  });
  afterAll(async () => {
    await Promise.all([nodeA.close(), nodeB.close()]);
    await dropPrefix(clientA, prefix);
    clientA.disconnect();
    clientB.disconnect();
  });

  it("a card published on node A reaches node B's subscribers of that tenant, and node A's own once", async () => {
    const onA = collector();
    const onB = collector();
    const otherTenantOnB = collector();
    await nodeA.subscribe("acme", onA.listener);
    await nodeB.subscribe("acme", onB.listener);
    await nodeB.subscribe("globex", otherTenantOnB.listener);
    const card = testCard();
    const sent = Date.now();
    await nodeA.publish("acme", card);
    expect(await onB.count(1)).toEqual([card]);
    expect(Date.now() - sent).toBeLessThan(1000);
    // a marker on globex after the card: once it is in, the card would have been too
    await nodeA.publish("globex", testCard({ tenant: "globex", id: "marker" }));
    expect((await otherTenantOnB.count(1)).map((c) => c.id)).toEqual(["marker"]);
    expect(onA.cards).toEqual([card]);
    expect(onB.cards).toEqual([card]);
  });

  it("shares today's cards between nodes", async () => {
    const card = testCard({ id: "shared" });
    await nodeB.publish("acme", card);
    expect((await nodeA.recent("acme")).map((c) => c.id)).toContain("shared");
  });

  it("stops delivering after unsubscribe, and a new subscription works again", async () => {
    const first = collector();
    const stop = await nodeB.subscribe("initech", first.listener);
    stop();
    const second = collector();
    await nodeB.subscribe("initech", second.listener);
    await nodeA.publish("initech", testCard({ tenant: "initech" }));
    await second.count(1);
    expect(first.cards).toEqual([]);
  });

  it("drops a message on a tenant's channel that carries another tenant's card", async () => {
    const onB = collector();
    await nodeB.subscribe("acme", onB.listener);
    const forged = { n: "elsewhere", c: testCard({ tenant: "globex", id: "forged" }) };
    await clientA.publish(`${prefix}agent:{acme}:cards`, JSON.stringify(forged));
    await clientA.publish(`${prefix}agent:{acme}:cards`, "not json");
    await nodeA.publish("acme", testCard({ id: "after" }));
    expect((await onB.count(1)).map((c) => c.id)).toEqual(["after"]);
  });
});

describe("the card bus on an unreachable Redis", () => {
  it("subscribes once Redis comes up, and cards from other nodes arrive from then on", async () => {
    const { Redis } = await import("ioredis");
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 };
    const clientA = new Redis(url, options).on("error", () => {});
    const prefix = testPrefix();
    const nodeA = new RedisCardBus({ client: clientA, prefix, subscribeTimeout: 200 });
    const got = collector();
    await nodeA.subscribe("acme", got.listener); // Redis is not there yet
    const server = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    const clientB = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    clientB.on("error", () => {});
    const nodeB = new RedisCardBus({ client: clientB, prefix });
    try {
      await clientB.ping();
      // until A's queued SUBSCRIBE has gone through, a card published now would reach no one
      const end = Date.now() + 5000;
      while (Number((await clientB.pubsub("NUMSUB", `${prefix}agent:{acme}:cards`))[1]) < 1) {
        if (Date.now() > end) throw new Error("node A never subscribed");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const card = testCard();
      await nodeB.publish("acme", card);
      expect(await got.count(1)).toEqual([card]);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
      clientA.disconnect();
      clientB.disconnect();
      server.kill();
    }
  });

  it("still opens a page (subscribe resolves after its wait) and delivers this node's own cards", async () => {
    const { Redis } = await import("ioredis");
    // a port nothing listens on; no offline queue, as the hub's connections
    const client = new Redis("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    client.on("error", () => {});
    const bus = new RedisCardBus({ client, prefix: testPrefix(), subscribeTimeout: 300 });
    try {
      const got = collector();
      const start = Date.now();
      await bus.subscribe("acme", got.listener);
      expect(Date.now() - start).toBeGreaterThanOrEqual(250);
      const card = testCard();
      await expect(bus.publish("acme", card)).rejects.toThrow();
      expect(got.cards).toEqual([card]);
    } finally {
      await bus.close();
      client.disconnect();
    }
  });
});
