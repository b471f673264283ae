import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "@santral-hub/sdk";
import { LocalCardBus } from "../agent/bus.js";
import { DEFAULT_ZONE } from "../agent/recent.js";
import { openAgentDatabase } from "../agent/sqlite.js";
import { SqliteRecentCards } from "../agent/sqlite-recent.js";
import { SqliteAgentStore } from "../agent/sqlite-store.js";
import type { AgentStore, CardBus } from "../agent/types.js";
import { LocalCallStore } from "../calls/local-store.js";
import type { CallStore } from "../calls/store.js";
import type { HubConfig } from "../hub/config.js";
import { SqliteOutbox } from "../outbox/sqlite-outbox.js";
import type { Outbox, RetryPolicy } from "../outbox/types.js";

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
 * node, one outbox queue; see redis-backends.ts, loaded only then); on the embedded default, this process's
 * memory and three SQLite files in `state.dir`, which survive a restart.
 */
export async function openFollowBackends(
  config: HubConfig,
  log: Logger,
  timeZone: (tenant: string) => string = () => DEFAULT_ZONE,
): Promise<FollowBackends> {
  if (config.cache.backend === "redis") return (await import("./redis-backends.js")).openRedisBackends(config, log);
  mkdirSync(config.stateDir, { recursive: true });
  const db = openAgentDatabase(path.join(config.stateDir, "agents.sqlite"));
  const { outbox } = await openOutbox(config, log);
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
export async function openAgentStore(config: HubConfig): Promise<{ store: AgentStore; close(): Promise<void> }> {
  if (config.cache.backend === "redis") return (await import("./redis-backends.js")).openRedisAgentStore(config);
  mkdirSync(config.stateDir, { recursive: true });
  const db = openAgentDatabase(path.join(config.stateDir, "agents.sqlite"));
  return { store: new SqliteAgentStore(db), close: async () => void db.close() };
}

/**
 * Only the calls, for `santral-hub explain --call` beside a running hub; undefined when the embedded hub has
 * kept none yet (its file is missing).
 */
export async function openCallStore(
  config: HubConfig,
): Promise<{ store: CallStore; where: string; close(): void } | undefined> {
  if (config.cache.backend === "redis") return (await import("./redis-backends.js")).openRedisCallStore(config);
  const file = path.join(config.stateDir, "calls.sqlite");
  if (!existsSync(file)) return undefined;
  const store = new LocalCallStore({ file });
  return { store, where: file, close: () => store.close() };
}

/** The outbox `hub.yaml` asks for: bullmq on the hub's Redis, else the SQLite file in `state.dir`. */
export async function openOutbox(config: HubConfig, log?: Logger): Promise<{ outbox: Outbox; where: string }> {
  const retry = retryOf(config);
  if (config.cache.backend === "redis")
    return (await import("./redis-backends.js")).openRedisOutbox(config, retry, log);
  mkdirSync(config.stateDir, { recursive: true });
  const file = path.join(config.stateDir, "outbox.sqlite");
  return { outbox: new SqliteOutbox({ file, retry, ...(log ? { log } : {}) }), where: file };
}

/** hub.yaml's `outbox:` as the outbox's retry policy. */
export function retryOf(config: HubConfig): Partial<RetryPolicy> {
  return {
    firstMs: config.outbox.retryFirst,
    maxDelayMs: config.outbox.retryMax,
    giveUpAfterMs: config.outbox.giveUpAfter,
  };
}
