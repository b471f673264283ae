import type { RedisStore } from "./cache/redis-store.js";
import type { Hub } from "./hub/hub.js";

export interface Readiness {
  status: "ready" | "unready" | "draining";
  /** Tenants answering calls, and tenant files that did not load on the last reload. */
  tenants: number;
  broken: number;
  /** Tenants read from their files whose plugins are still starting: they answer their fallbacks. */
  loading: number;
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
 * `/readyz`: ready once every tenant has loaded (the first pass over the files; till then `loading` counts
 * the tenants whose plugins are starting, which answer their fallbacks), while Redis answers where it is configured, and until
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
    loading: hub.loading,
    reloaded: report ? report.at.toISOString() : null,
    cache: { backend: store.kind, healthy: store.healthy() },
  };
  if (store.kind === "redis") {
    const { breaker } = store as RedisStore;
    const since = breaker.since;
    ready.cache.redis = breaker.state;
    if (since) ready.cache.downSince = since.toISOString();
  }
  if (hub.draining) return { ...ready, status: "draining", reason: "shutting down" };
  if (!report) {
    const reason = hub.loading > 0 ? `${hub.loading} tenants still loading` : "tenant files not read yet";
    return { ...ready, status: "unready", reason };
  }
  if (report.unreadable && report.live === 0) return { ...ready, status: "unready", reason: report.unreadable };
  if (!ready.cache.healthy) return { ...ready, status: "unready", reason: "redis is not reachable" };
  return ready;
}
