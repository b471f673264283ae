import type { Logger, RateLimiter } from "@santral-hub/sdk";
import { RedisBreaker } from "../cache/redis-breaker.js";
import type { RedisStore } from "../cache/redis-store.js";
import type { CacheStore } from "../cache/store.js";
import type { HubConfig } from "../hub/config.js";
import type { RedisLimiter } from "./redis-limiter.js";
import { SlidingWindow, WINDOW_MS } from "./sliding-window.js";

/** The hub's rate limiters, one budget per name; what `PluginContext.rateLimiter` hands out. */
export interface Limiters {
  /** `redis`: budgets shared by every node on the hub's Redis; `memory`: per process. */
  readonly backend: "memory" | "redis";
  get(name: string, perSecond: number): RateLimiter;
  /** False while Redis does not answer (see `RedisBreaker`) and budgets are per process. */
  healthy(): boolean;
  close(): Promise<void>;
}

export interface LimitersOptions {
  /** The span a budget is counted over; tests shorten nothing else. */
  windowMs?: number;
  /** How long `createLimiters` waits for Redis before starting without it. */
  readyMs?: number;
  /**
   * The hub's cache store: when it is Redis, the limiters use its connection and its breaker, so that one
   * Redis outage is found out once, by whichever asks first, and logged once.
   */
  cache?: CacheStore;
}

/**
 * Limiters on the backend `hub.yaml` names for the cache: with Redis, shared by every node and failing
 * open to a per-process budget while Redis is down (a call is worth more than the CRM's quota);
 * otherwise per process.
 */
export async function createLimiters(
  cache: HubConfig["cache"],
  log: Logger,
  options: LimitersOptions = {},
): Promise<Limiters> {
  const windowMs = options.windowMs ?? WINDOW_MS;
  const windows = new Map<string, SlidingWindow>();
  const local = (name: string) => {
    let window = windows.get(name);
    if (!window) {
      window = new SlidingWindow(windowMs);
      windows.set(name, window);
    }
    return window;
  };
  if (cache.backend === "memory") {
    return {
      backend: "memory",
      get: (name, perSecond) => budget(name, perSecond, local(name)),
      healthy: () => true,
      close: async () => {},
    };
  }
  // ioredis, only for a hub that uses it
  const [{ ping }, { connectRedis }, { RedisLimiter }] = await Promise.all([
    import("../cache/redis-store.js"),
    import("./redis-client.js"),
    import("./redis-limiter.js"),
  ]);
  const store = options.cache?.kind === "redis" ? (options.cache as RedisStore) : undefined;
  const { client, breaker, own } = store ? { client: store.client, breaker: store.breaker, own: false } : connect();
  function connect() {
    const client = connectRedis(cache);
    const breaker = new RedisBreaker({
      failures: cache.downAfter,
      probeMs: cache.probe,
      probe: () => ping(client),
      log,
      subject: "rate limits: redis",
      meanwhile: "limiting per process until it answers",
    });
    client.on("ready", () => breaker.connected());
    client.on("error", (error: Error) => breaker.lost(error));
    client.on("close", () => breaker.lost(new Error("connection closed")));
    return { client, breaker, own: true };
  }
  if (own && !(await breaker.waitUp(options.readyMs ?? 2000)))
    log.warn({ limits: "redis" }, "rate limits: Redis unreachable; limiting per process until it is back");
  const shared = new Map<string, RedisLimiter>();
  return {
    backend: "redis",
    get(name, perSecond) {
      let limiter = shared.get(name);
      if (!limiter) {
        limiter = new RedisLimiter(client, name, local(name), breaker, windowMs);
        shared.set(name, limiter);
      }
      return budget(name, perSecond, limiter);
    },
    healthy: () => breaker.up,
    async close() {
      if (!own) return; // the cache's connection: the cache closes it
      breaker.stop();
      client.disconnect();
    },
  };
}

function budget(name: string, perSecond: number, on: SlidingWindow | RedisLimiter): RateLimiter {
  if (!Number.isInteger(perSecond) || perSecond < 1) {
    throw new RangeError(`rate limiter "${name}": perSecond must be a whole number of at least 1, not ${perSecond}`);
  }
  return { acquire: (signal) => on.acquire(perSecond, signal) };
}
