import type { Logger } from "@santral-hub/sdk";
import type { HubConfig } from "../hub/config.js";
import { LookupCache } from "./lookup-cache.js";
import { MemoryStore } from "./memory-store.js";
import type { RedisStore } from "./redis-store.js";

/** The cache `hub.yaml` asks for; with Redis, waits briefly for it but starts without it. */
export async function createCache(config: HubConfig["cache"], log: Logger): Promise<LookupCache> {
  const { backend, maxEntries, commandTimeout, lock, wait } = config;
  let store: MemoryStore | RedisStore;
  if (backend === "memory") {
    store = new MemoryStore(maxEntries);
  } else {
    const { RedisStore } = await import("./redis-store.js"); // ioredis, only for a hub that uses it
    store = new RedisStore({
      ...(config.url ? { url: config.url } : {}),
      ...(config.sentinel ? { sentinel: config.sentinel } : {}),
      ...(config.cluster ? { cluster: config.cluster } : {}),
      commandTimeoutMs: commandTimeout,
      downAfter: config.downAfter,
      probeMs: config.probe,
      log,
    });
    if (!(await store.ready()))
      log.warn({ cache: "redis" }, "redis: not reachable at start; answering from the CRM until it is");
  }
  return new LookupCache(store, { lockMs: lock, waitMs: wait, log });
}
