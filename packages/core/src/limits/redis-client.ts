import { Cluster, Redis, type RedisOptions } from "ioredis";
import { FAIL_FAST_CLUSTER } from "../cache/redis-store.js";
import type { HubConfig } from "../hub/config.js";

/**
 * A connection to the hub's Redis (`cache:` in hub.yaml) for the rate limiters, built like the cache's:
 * no offline queue and short command time-outs, so a Redis outage costs a call nothing but the fallback.
 * The hub itself shares the cache's connection (see `createLimiters`); this one is for limiters on their own.
 * `patient` is for work off the call path: it queues commands while reconnecting and waits longer for them.
 */
export function connectRedis(cache: HubConfig["cache"], mode: "fail-fast" | "patient" = "fail-fast"): Redis | Cluster {
  const retry = (times: number) => Math.min(100 * 2 ** times, 2000);
  // patient: for work after the answer (calls, cards, agents' sessions), which may wait out a short outage
  const patient = mode === "patient";
  const common: RedisOptions = {
    enableOfflineQueue: patient,
    maxRetriesPerRequest: patient ? 3 : 0,
    commandTimeout: patient ? Math.max(cache.commandTimeout, 2000) : cache.commandTimeout,
    connectTimeout: 2000,
    retryStrategy: retry,
  };
  if (cache.cluster) {
    const nodes = cache.cluster.nodes.map(hostPort);
    return new Cluster(nodes, {
      enableOfflineQueue: patient,
      redisOptions: common,
      clusterRetryStrategy: retry,
      ...FAIL_FAST_CLUSTER,
    });
  }
  if (cache.sentinel) {
    const { name, nodes, password } = cache.sentinel;
    return new Redis({ ...common, name, sentinels: nodes.map(hostPort), ...(password ? { password } : {}) });
  }
  return new Redis(cache.url ?? "redis://127.0.0.1:6379", common);
}

function hostPort(node: string): { host: string; port: number } {
  const url = new URL(node.includes("://") ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || 6379) };
}
