import { RedisStore } from "./cache/redis-store.js";
import type { Hub } from "./hub/hub.js";

export interface Readiness {
  status: "ready" | "unready" | "draining";
  /** Tenants answering calls, and tenant files that did not load on the last reload. */
  tenants: number;
  broken: number;
  /** When the tenant files were last read. */
  reloaded: string | null;
  /**
   * With Redis, also whether it answers (`down`: not answering, or answering too slowly, so calls skip it
   * until a probe finds it back) and since when.
   */
  cache: { backend: "memory" | "redis"; healthy: boolean; redis?: "up" | "down"; downSince?: string };
  reason?: string;
}

/**
 * `/readyz`: ready once the config is loaded, while Redis answers where it is configured, and until
 * shutdown begins. Counts only: tenant ids and their files' problems go to the log and `/metrics`.
 * Redis down makes the hub unready though calls are still answered (from the CRM): a signal for alerts
 * and rollouts, not for routing (README, Health).
 */
export function readiness(hub: Hub): Readiness {
  const report = hub.lastReload;
  const store = hub.cache.store;
  const ready: Readiness = {
    status: "ready",
    tenants: report?.live ?? 0,
    broken: report?.broken.length ?? 0,
    reloaded: report ? report.at.toISOString() : null,
    cache: { backend: store.kind, healthy: store.healthy() },
  };
  if (store instanceof RedisStore) {
    const since = store.breaker.since;
    ready.cache.redis = store.breaker.state;
    if (since) ready.cache.downSince = since.toISOString();
  }
  if (hub.draining) return { ...ready, status: "draining", reason: "shutting down" };
  if (!report) return { ...ready, status: "unready", reason: "config not loaded yet" };
  if (report.unreadable && report.live === 0) return { ...ready, status: "unready", reason: report.unreadable };
  if (!ready.cache.healthy) return { ...ready, status: "unready", reason: "redis is not reachable" };
  return ready;
}
