import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "@santral-hub/sdk";
import type { Cluster, Redis } from "ioredis";
import { LocalCardBus } from "../agent/bus.js";
import { DEFAULT_ZONE } from "../agent/recent.js";
import { RedisCardBus } from "../agent/redis-bus.js";
import { RedisAgentStore } from "../agent/redis-store.js";
import { openAgentDatabase } from "../agent/sqlite.js";
import { SqliteRecentCards } from "../agent/sqlite-recent.js";
import { SqliteAgentStore } from "../agent/sqlite-store.js";
import type { AgentStore, CardBus } from "../agent/types.js";
import { LocalCallStore } from "../calls/local-store.js";
import { RedisCallStore } from "../calls/redis-store.js";
import type { CallStore } from "../calls/store.js";
import type { HubConfig } from "../hub/config.js";
import { connectRedis } from "../limits/redis-client.js";
import { type Outbox, RedisOutbox, SqliteOutbox } from "../outbox/index.js";

/** Every key the call's life keeps in Redis starts with this. */
export const FOLLOW_PREFIX = "santral:";

/** Where a call's life is kept: the calls, the cards' bus, the agents' links, the outbox. */
export interface FollowBackends {
  kind: "embedded" | "redis";
  calls: CallStore;
  bus: CardBus;
  agents: AgentStore;
  outbox: Outbox;
  close(): Promise<void>;
}

/**
 * The backends `hub.yaml` asks for: with Redis, shared by every hub node (a card reaches an agent on any
 * node, one outbox queue); on the embedded default, this process's memory and three SQLite files in
 * `state.dir`, which survive a restart.
 */
export function openFollowBackends(
  config: HubConfig,
  log: Logger,
  timeZone: (tenant: string) => string = () => DEFAULT_ZONE,
): FollowBackends {
  if (config.cache.backend === "redis") {
    const client = connectRedis(config.cache, "patient");
    watchErrors(client, log);
    const { outbox } = openOutbox(config, log);
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
  mkdirSync(config.stateDir, { recursive: true });
  const db = openAgentDatabase(path.join(config.stateDir, "agents.sqlite"));
  const { outbox } = openOutbox(config, log);
  const calls = new LocalCallStore({ file: path.join(config.stateDir, "calls.sqlite") });
  const bus = new LocalCardBus(new SqliteRecentCards(db, { timeZone }), (error) =>
    log.warn({ err: (error as Error).message }, "agent page: a card could not be kept among today's"),
  );
  return {
    kind: "embedded",
    calls,
    bus,
    agents: new SqliteAgentStore(db),
    outbox,
    async close() {
      await Promise.allSettled([outbox.close(), bus.close()]);
      calls.close();
      db.close();
    },
  };
}

/** Only the agents' links and sessions: for `santral-hub agent link`, beside a running hub. */
export function openAgentStore(config: HubConfig): { store: AgentStore; close(): Promise<void> } {
  if (config.cache.backend === "redis") {
    const client: Redis | Cluster = connectRedis(config.cache, "patient");
    client.on("error", () => {}); // a command that cannot run rejects: the CLI says so
    return {
      store: new RedisAgentStore({ client, prefix: FOLLOW_PREFIX }),
      close: async () => void (await client.quit()),
    };
  }
  mkdirSync(config.stateDir, { recursive: true });
  const db = openAgentDatabase(path.join(config.stateDir, "agents.sqlite"));
  return { store: new SqliteAgentStore(db), close: async () => void db.close() };
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

/**
 * Only the calls, for `santral-hub explain --call` beside a running hub; undefined when the embedded hub has
 * kept none yet (its file is missing).
 */
export function openCallStore(config: HubConfig): { store: CallStore; where: string; close(): void } | undefined {
  if (config.cache.backend === "redis") {
    const client: Redis | Cluster = connectRedis(config.cache, "patient");
    client.on("error", () => {}); // a command that cannot run rejects: the CLI says so
    return {
      store: new RedisCallStore({ client, prefix: FOLLOW_PREFIX }),
      where: "Redis",
      close: () => client.disconnect(),
    };
  }
  const file = path.join(config.stateDir, "calls.sqlite");
  if (!existsSync(file)) return undefined;
  const store = new LocalCallStore({ file });
  return { store, where: file, close: () => store.close() };
}

/** The outbox `hub.yaml` asks for: bullmq on the hub's Redis, else the SQLite file in `state.dir`. */
export function openOutbox(config: HubConfig, log?: Logger): { outbox: Outbox; where: string } {
  const retry = {
    firstMs: config.outbox.retryFirst,
    maxDelayMs: config.outbox.retryMax,
    giveUpAfterMs: config.outbox.giveUpAfter,
  };
  if (config.cache.backend === "redis") {
    const connection = outboxConnection(config);
    const outbox = new RedisOutbox({ connection, prefix: `${FOLLOW_PREFIX}outbox`, retry, ...(log ? { log } : {}) });
    return { outbox, where: "Redis" };
  }
  mkdirSync(config.stateDir, { recursive: true });
  const file = path.join(config.stateDir, "outbox.sqlite");
  return { outbox: new SqliteOutbox({ file, retry, ...(log ? { log } : {}) }), where: file };
}
