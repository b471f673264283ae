import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentLinkError, AgentLinks } from "./links.js";
import { RedisAgentStore } from "./redis-store.js";
import { SqliteAgentStore } from "./sqlite-store.js";
import { connectTestRedis, dropPrefix, testPrefix } from "./testing.js";
import type { AgentStore } from "./types.js";

const HOUR = 3_600_000;

interface Backend {
  /** Two stores on one state, as the hub and the CLI (another process) or two hub nodes have. */
  pair(): { hub: AgentStore; other: AgentStore };
  /** Every byte the backend keeps, to look for secrets in. */
  dump(): Promise<string>;
}

function suite(name: string, backend: () => Backend) {
  describe(`agent links on ${name}`, () => {
    let b: Backend;
    let clock = Date.now();
    const options = { now: () => clock };
    beforeAll(() => {
      b = backend();
    });

    it("a link is exchanged once for a session; the second use is refused as used", async () => {
      const { hub } = b.pair();
      const links = new AgentLinks(hub, options);
      const link = await links.createLink({ tenant: "acme", extension: "101", queues: ["satis"], ttl: HOUR });
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const first = await links.exchange("acme", link.token);
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      expect(first.identity).toEqual({ tenant: "acme", extension: "101", queues: ["satis"], linkId: link.id });
      expect(await links.session("acme", first.session)).toEqual(first.identity);
      expect(await links.exchange("acme", link.token)).toEqual({ ok: false, reason: "used" });
    });

    it("a link made by another process signs in on the hub's, and of two exchanges at once one wins", async () => {
      const { hub, other } = b.pair();
      const cli = new AgentLinks(other, options);
      const hubLinks = new AgentLinks(hub, options);
      const link = await cli.createLink({ tenant: "acme", extension: "102", ttl: HOUR });
      const results = await Promise.all([hubLinks.exchange("acme", link.token), cli.exchange("acme", link.token)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "used" }]);
    });

    it("revoking an extension refuses its unused link and ends the session of its used one at once", async () => {
      const { hub, other } = b.pair();
      const links = new AgentLinks(hub, options);
      const used = await links.createLink({ tenant: "acme", extension: "103", ttl: HOUR });
      const unused = await links.createLink({ tenant: "acme", extension: "103", ttl: HOUR });
      const neighbour = await links.createLink({ tenant: "acme", extension: "104", ttl: HOUR });
      const signIn = await links.exchange("acme", used.token);
      const neighbourIn = await links.exchange("acme", neighbour.token);
      if (!signIn.ok || !neighbourIn.ok) throw new Error("sign-in failed");
      // revoked from the other process (the CLI), seen by the hub's store at once
      expect(await new AgentLinks(other, options).revoke({ tenant: "acme", extension: "103" })).toBe(2);
      expect(await links.session("acme", signIn.session)).toBeUndefined();
      expect(await links.exchange("acme", unused.token)).toEqual({ ok: false, reason: "revoked" });
      expect(await links.session("acme", neighbourIn.session)).toMatchObject({ extension: "104" });
      expect(await links.revoke({ tenant: "acme", extension: "103" })).toBe(0);
    });

    it("revoking one link by its id leaves the agent's other links alone", async () => {
      const { hub } = b.pair();
      const links = new AgentLinks(hub, options);
      const phone = await links.createLink({ tenant: "acme", extension: "105", ttl: HOUR });
      const desk = await links.createLink({ tenant: "acme", extension: "105", ttl: HOUR });
      const onPhone = await links.exchange("acme", phone.token);
      if (!onPhone.ok) throw new Error("sign-in failed");
      expect(await links.revoke({ tenant: "acme", linkId: phone.id })).toBe(1);
      expect(await links.session("acme", onPhone.session)).toBeUndefined();
      expect((await links.exchange("acme", desk.token)).ok).toBe(true);
      const listed = await links.list("acme");
      expect(listed.find((l) => l.id === phone.id)).toMatchObject({ extension: "105", revokedAt: clock });
      expect(listed.find((l) => l.id === desk.id)).toMatchObject({ usedAt: clock });
      expect(listed.find((l) => l.id === desk.id)).not.toHaveProperty("revokedAt");
    });

    it("an expired link is refused, and a session ends after its time", async () => {
      const { hub } = b.pair();
      const links = new AgentLinks(hub, { ...options, sessionTtl: 2 * HOUR });
      const late = await links.createLink({ tenant: "acme", extension: "106", ttl: HOUR });
      const onTime = await links.createLink({ tenant: "acme", extension: "106", ttl: HOUR, sessionTtl: 5000 });
      const start = clock;
      const signIn = await links.exchange("acme", onTime.token);
      if (!signIn.ok) throw new Error("sign-in failed");
      expect(signIn.expiresAt).toBe(start + 5000);
      try {
        clock = start + 4999;
        expect(await links.session("acme", signIn.session)).toMatchObject({ extension: "106" });
        clock = start + HOUR + 1;
        expect(await links.exchange("acme", late.token)).toEqual({ ok: false, reason: "expired" });
        expect(await links.session("acme", signIn.session)).toBeUndefined();
      } finally {
        clock = start;
      }
    });

    it("a session opens only its own tenant's page, and a token of the wrong shape is refused before the store", async () => {
      const { hub } = b.pair();
      const links = new AgentLinks(hub, options);
      const link = await links.createLink({ tenant: "acme", extension: "107", ttl: HOUR });
      expect(await links.exchange("globex", link.token)).toEqual({ ok: false, reason: "unknown" });
      const signIn = await links.exchange("acme", link.token);
      if (!signIn.ok) throw new Error("sign-in failed");
      expect(await links.session("globex", signIn.session)).toBeUndefined();
      expect(await links.session("acme", `${signIn.session}x`)).toBeUndefined();
      expect(await links.exchange("acme", "' OR 1=1 --")).toEqual({ ok: false, reason: "unknown" });
    });

    it("keeps tokens and sessions only as SHA-256 hashes", async () => {
      const { hub } = b.pair();
      const links = new AgentLinks(hub, options);
      const link = await links.createLink({ tenant: "acme", extension: "108", ttl: HOUR });
      const signIn = await links.exchange("acme", link.token);
      if (!signIn.ok) throw new Error("sign-in failed");
      const stored = await b.dump();
      expect(stored).toContain(link.id);
      expect(stored).not.toContain(link.token);
      expect(stored).not.toContain(signIn.session);
      expect(JSON.stringify(await links.list("acme"))).not.toContain(link.token);
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "agent-links-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

suite("SQLite", () => {
  const file = path.join(dir, "hub.sqlite");
  const open = () => {
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    return db;
  };
  const hubDb = open();
  const cliDb = open();
  const stores = { hub: new SqliteAgentStore(hubDb), other: new SqliteAgentStore(cliDb) };
  return {
    pair: () => stores,
    dump: async () => {
      hubDb.pragma("wal_checkpoint(TRUNCATE)");
      return readFileSync(file).toString("latin1");
    },
  };
});

let redisA: Redis;
let redisB: Redis;
const prefix = testPrefix();
beforeAll(async () => {
  redisA = await connectTestRedis();
  redisB = await connectTestRedis();
});
afterAll(async () => {
  await dropPrefix(redisA, prefix);
  redisA.disconnect();
  redisB.disconnect();
});

suite("Redis", () => ({
  pair: () => ({
    hub: new RedisAgentStore({ client: redisA, prefix }),
    other: new RedisAgentStore({ client: redisB, prefix }),
  }),
  dump: async () => {
    const parts: string[] = [];
    for (const key of await redisA.keys(`${prefix}*`)) {
      const type = await redisA.type(key);
      const value =
        type === "hash"
          ? await redisA.hgetall(key)
          : type === "zset"
            ? await redisA.zrange(key, "0", "-1")
            : await redisA.get(key);
      parts.push(key, JSON.stringify(value));
    }
    return parts.join("\n");
  },
}));

describe("createLink", () => {
  const links = new AgentLinks(new SqliteAgentStore(new Database(":memory:")));
  it.each([
    [{ tenant: "Acme Ltd", extension: "101", ttl: HOUR }, 'tenant "Acme Ltd" is not a tenant id'],
    [{ tenant: "acme", extension: "10 1", ttl: HOUR }, 'extension "10 1" is not valid'],
    [{ tenant: "acme", extension: "101", queues: [""], ttl: HOUR }, 'queue "" is not valid'],
    [{ tenant: "acme", extension: "101", ttl: 10 }, "ttl 10 is out of range: give milliseconds"],
  ])("refuses %j with a message saying what to change", async (input, message) => {
    await expect(links.createLink(input)).rejects.toThrow(AgentLinkError);
    await expect(links.createLink(input)).rejects.toThrow(message);
  });
});
