import type { Logger, RateLimiter } from "@santral-hub/sdk";
import type { HubConfig } from "../hub/config.js";
import { connectRedis, redisReady } from "./redis-client.js";
import { RedisLimiter } from "./redis-limiter.js";
import { SlidingWindow, WINDOW_MS } from "./sliding-window.js";

/** The hub's rate limiters, one budget per name; what `PluginContext.rateLimiter` hands out. */
export interface Limiters {
  /** `redis`: budgets shared by every node on the hub's Redis; `memory`: per process. */
  readonly backend: "memory" | "redis";
  get(name: string, perSecond: number): RateLimiter;
  /** False while Redis does not answer and budgets are per process. */
  healthy(): boolean;
  close(): Promise<void>;
}

export interface LimitersOptions {
  /** The span a budget is counted over; tests shorten nothing else. */
  windowMs?: number;
  /** How long `createLimiters` waits for Redis before starting without it. */
  readyMs?: number;
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
  const client = connectRedis(cache);
  client.on("error", () => {}); // ioredis reports every failed reconnect; the health below logs once
  let healthy = true;
  const health = {
    down(error: unknown) {
      if (healthy) {
        const reason = error instanceof Error ? error.message : String(error);
        log.warn({ limits: "redis", reason }, "rate limits: Redis unreachable; limiting per process until it is back");
      }
      healthy = false;
    },
    up() {
      if (!healthy) log.info({ limits: "redis" }, "rate limits: Redis is back; limits are shared again");
      healthy = true;
    },
  };
  if (!(await redisReady(client, options.readyMs ?? 2000))) health.down(new Error("not reachable at start"));
  const shared = new Map<string, RedisLimiter>();
  return {
    backend: "redis",
    get(name, perSecond) {
      let limiter = shared.get(name);
      if (!limiter) {
        limiter = new RedisLimiter(client, name, local(name), health, windowMs);
        shared.set(name, limiter);
      }
      return budget(name, perSecond, limiter);
    },
    healthy: () => healthy && client.status === "ready",
    async close() {
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
