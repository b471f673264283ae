import type { Logger } from "@santral-hub/sdk";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { LRUCache } from "lru-cache";
import { type CacheStore, ENTRY_VERSION, type Entry } from "./store.js";

export interface RedisStoreOptions {
  /** `redis://…` or `rediss://…` for a standalone server. */
  url?: string;
  sentinel?: { name: string; nodes: string[]; password?: string };
  cluster?: { nodes: string[] };
  /** A command not answered by then fails, and the call goes on to the CRM. */
  commandTimeoutMs: number;
  log: Logger;
}

/**
 * Entries in Redis, shared by every hub node. Built to fail fast: no offline queue, short command
 * time-outs, no retries per command; ioredis reconnects on its own, and an outage is logged once.
 * Auto-pipelining sends the commands of one event-loop turn together.
 */
export class RedisStore implements CacheStore {
  readonly kind = "redis";
  private readonly client: Redis | Cluster;
  private up = false;
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
      });
    } else if (options.sentinel) {
      const { name, nodes, password } = options.sentinel;
      this.client = new Redis({ ...common, name, sentinels: nodes.map(hostPort), ...(password ? { password } : {}) });
    } else {
      this.client = new Redis(options.url ?? "redis://127.0.0.1:6379", common);
    }
    const { log } = options;
    this.client.on("ready", () => {
      if (!this.up) log.info({ cache: "redis" }, "redis: connected");
      this.up = true;
    });
    this.client.on("error", (error: Error) => {
      if (this.up)
        log.warn(
          { cache: "redis", reason: error.message },
          "redis: unreachable; answering from the CRM until it is back",
        );
      this.up = false;
    });
    this.client.on("close", () => {
      if (this.up) log.warn({ cache: "redis" }, "redis: connection lost; answering from the CRM until it is back");
      this.up = false;
    });
  }

  /** Resolves once connected, or after `ms` regardless: a hub starts even when Redis is down. */
  async ready(ms = 2000): Promise<boolean> {
    if (this.up) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.client.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.up;
  }

  async get(key: string): Promise<Entry | undefined> {
    const raw = await this.client.get(key);
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
    await this.client.set(key, JSON.stringify(entry), "PX", Math.max(1, entry.staleUntil - Date.now()));
  }

  async lock(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, "1", "PX", ttlMs, "NX")) === "OK";
  }

  async unlock(key: string): Promise<void> {
    await this.client.del(key);
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
    return this.up;
  }

  async close(): Promise<void> {
    this.up = false;
    this.client.disconnect();
  }
}

function hostPort(node: string): { host: string; port: number } {
  const url = new URL(node.includes("://") ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Redis glob patterns treat `*?[]\` specially; tenant ids and numbers must match literally (`{acme}`, `+90…`). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
