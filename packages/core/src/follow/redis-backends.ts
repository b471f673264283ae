import type { Logger } from "@santral-hub/sdk";
import type { Cluster, Redis } from "ioredis";
import { RedisCardBus } from "../agent/redis-bus.js";
import { RedisAgentStore } from "../agent/redis-store.js";
import type { AgentStore } from "../agent/types.js";
import { RedisCallStore } from "../calls/redis-store.js";
import type { CallStore } from "../calls/store.js";
import type { HubConfig } from "../hub/config.js";
import { connectRedis } from "../limits/redis-client.js";
import { RedisOutbox } from "../outbox/redis-outbox.js";
import type { Outbox, RetryPolicy } from "../outbox/types.js";
import { FOLLOW_PREFIX, type FollowBackends, retryOf } from "./backends.js";

// The call's life on Redis, shared by every hub node: imported only by a hub whose hub.yaml names Redis, so
// the embedded default never loads ioredis or bullmq.

/** The calls, the cards' bus, the agents' links and the outbox (bullmq), on the hub's Redis. */
export function openRedisBackends(config: HubConfig, log: Logger): FollowBackends {
  const client = connectRedis(config.cache, "patient");
  watchErrors(client, log);
  const { outbox } = openRedisOutbox(config, retryOf(config), log);
  const bus = new RedisCardBus({ client, prefix: FOLLOW_PREFIX, log });
  return {
    kind: "redis",
    calls: new RedisCallStore({ client, prefix: FOLLOW_PREFIX }),
    bus,
    agents: new RedisAgentStore({ client, prefix: FOLLOW_PREFIX }),
    outbox,
    async close() {
      // bullmq waits for a Redis that is away: shutting down does not (a job left running runs again)
      const patience = client.status === "ready" ? 12_000 : 200;
      const away = new Promise<"away">((resolve) => setTimeout(() => resolve("away"), patience).unref());
      if ((await Promise.race([Promise.allSettled([outbox.close(), bus.close()]), away])) === "away") {
        log.warn({}, "outbox: Redis did not answer at shutdown; not waiting for it");
      }
      client.disconnect();
    },
  };
}

/** Only the agents' links and sessions, on Redis. */
export function openRedisAgentStore(config: HubConfig): { store: AgentStore; close(): Promise<void> } {
  const client: Redis | Cluster = connectRedis(config.cache, "patient");
  client.on("error", () => {}); // a command that cannot run rejects: the CLI says so
  return {
    store: new RedisAgentStore({ client, prefix: FOLLOW_PREFIX }),
    close: async () => void (await client.quit()),
  };
}

/** Only the calls, on Redis. */
export function openRedisCallStore(config: HubConfig): { store: CallStore; where: string; close(): void } {
  const client: Redis | Cluster = connectRedis(config.cache, "patient");
  client.on("error", () => {}); // a command that cannot run rejects: the CLI says so
  return {
    store: new RedisCallStore({ client, prefix: FOLLOW_PREFIX }),
    where: "Redis",
    close: () => client.disconnect(),
  };
}

/** bullmq on the hub's Redis. */
export function openRedisOutbox(
  config: HubConfig,
  retry: Partial<RetryPolicy>,
  log?: Logger,
): { outbox: Outbox; where: string } {
  const connection = outboxConnection(config);
  const outbox = new RedisOutbox({ connection, prefix: `${FOLLOW_PREFIX}outbox`, retry, ...(log ? { log } : {}) });
  return { outbox, where: "Redis" };
}

/** Redis errors, once per outage: ioredis reconnects by itself, and an unheard error event would crash. */
function watchErrors(client: Redis | Cluster, log: Logger): void {
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error.message }, "calls after the answer: Redis unreachable; retrying");
  });
  client.on("ready", () => {
    down = false;
  });
}

/** bullmq's connection, as hub.yaml's `cache:` names the Redis. */
function outboxConnection(config: HubConfig) {
  return { url: config.cache.url ?? "redis://127.0.0.1:6379" };
}
