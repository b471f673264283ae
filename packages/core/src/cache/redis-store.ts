import type { Logger } from "@santral-hub/sdk";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { LRUCache } from "lru-cache";
import { RedisBreaker } from "./redis-breaker.js";
import { type CacheStore, ENTRY_VERSION, type Entry } from "./store.js";

export interface RedisStoreOptions {
  /** `redis://…` or `rediss://…` for a standalone server. */
  url?: string;
  sentinel?: { name: string; nodes: string[]; password?: string };
  cluster?: { nodes: string[] };
  /** A command not answered by then fails, and the call goes on to the CRM. */
  commandTimeoutMs: number;
  /** Failed commands within 10 s that mark Redis down (then it is not asked until a probe answers). */
  downAfter?: number;
  /** While Redis is down: ms between probes. */
  probeMs?: number;
  log: Logger;
}

/**
 * Entries in Redis, shared by every hub node. Built to fail fast: no offline queue, short command
 * time-outs, no retries per command, and a breaker that stops asking a Redis that does not answer (a hung
 * server, a cluster node gone) until a probe finds it answering again; ioredis reconnects on its own, and
 * an outage is logged once. Auto-pipelining sends the commands of one event-loop turn together. The rate
 * limiters share this connection and its breaker.
 */
export class RedisStore implements CacheStore {
  readonly kind = "redis";
  readonly client: Redis | Cluster;
  readonly breaker: RedisBreaker;
  private readonly parsed = new LRUCache<string, Entry>({ max: 10_000 });

  constructor(options: RedisStoreOptions) {
    const common: RedisOptions = {
      enableOfflineQueue: false,
      // the GETs of calls arriving together go out in one write, not a write (a syscall) each
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
    };
    if (options.cluster) {
      this.client = new Cluster(options.cluster.nodes.map(hostPort), {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        redisOptions: common,
        clusterRetryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
        // fail a command at once when its node is gone or the cluster is down, rather than retrying it
        // (16 times, 100 ms apart) past the caller's deadline; the slots are refreshed on their own
        ...FAIL_FAST_CLUSTER,
      });
    } else if (options.sentinel) {
      const { name, nodes, password } = options.sentinel;
      this.client = new Redis({ ...common, name, sentinels: nodes.map(hostPort), ...(password ? { password } : {}) });
    } else {
      this.client = new Redis(options.url ?? "redis://127.0.0.1:6379", common);
    }
    const client = this.client;
    this.breaker = new RedisBreaker({
      failures: options.downAfter ?? 3,
      probeMs: options.probeMs ?? 1000,
      probe: () => ping(client),
      log: options.log,
      subject: "redis",
      meanwhile: "answering from the CRM, rate limits per process, until it answers",
    });
    client.on("ready", () => this.breaker.connected());
    client.on("error", (error: Error) => this.breaker.lost(error));
    client.on("close", () => this.breaker.lost(new Error("connection closed")));
  }

  /** Resolves once Redis answers, or after `ms` regardless: a hub starts even when Redis is down. */
  ready(ms = 2000): Promise<boolean> {
    return this.breaker.waitUp(ms);
  }

  async get(key: string): Promise<Entry | undefined> {
    const raw = await this.breaker.run(() => this.client.get(key));
    if (raw === null) return undefined;
    // The same stored answer comes back for every call of a repeat caller: parsing it once gives the same
    // objects each time, so what core derives from them (the choice, the rendered reply) is reused too.
    let entry = this.parsed.get(raw);
    if (!entry) {
      entry = JSON.parse(raw) as Entry;
      this.parsed.set(raw, entry);
    }
    return entry.v === ENTRY_VERSION ? entry : undefined;
  }

  async set(key: string, entry: Entry): Promise<void> {
    const ttl = Math.max(1, entry.staleUntil - Date.now());
    await this.breaker.run(() => this.client.set(key, JSON.stringify(entry), "PX", ttl));
  }

  async lock(key: string, ttlMs: number): Promise<boolean> {
    return (await this.breaker.run(() => this.client.set(key, "1", "PX", ttlMs, "NX"))) === "OK";
  }

  async unlock(key: string): Promise<void> {
    await this.breaker.run(() => this.client.del(key));
  }

  async deleteMatching(prefix: string, suffix: string): Promise<number> {
    const nodes = this.client instanceof Cluster ? this.client.nodes("master") : [this.client];
    let deleted = 0;
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(
          cursor,
          "MATCH",
          `${escapeGlob(prefix)}*${escapeGlob(suffix)}`,
          "COUNT",
          500,
        );
        cursor = next;
        if (keys.length > 0) deleted += await node.unlink(...keys);
      } while (cursor !== "0");
    }
    return deleted;
  }

  healthy(): boolean {
    return this.breaker.up;
  }

  async close(): Promise<void> {
    this.breaker.stop();
    this.client.disconnect();
  }
}

/** ioredis Cluster options that fail a command at once instead of retrying it behind the caller's back. */
export const FAIL_FAST_CLUSTER = { retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 } as const;

/**
 * The breaker's probe: a PING to a standalone server, or to every master of a cluster (a PING to any one
 * node would find a cluster answering while the node holding some tenants' slots is gone).
 */
export async function ping(client: Redis | Cluster): Promise<void> {
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const masters = client.status === "ready" ? client.nodes("master") : [];
  if (masters.length === 0) throw new Error(`cluster is ${client.status}`);
  await Promise.all(masters.map((node) => node.ping()));
}

function hostPort(node: string): { host: string; port: number } {
  const url = new URL(node.includes("://") ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Redis glob patterns treat `*?[]\` specially; tenant ids and numbers must match literally (`{acme}`, `+90…`). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
