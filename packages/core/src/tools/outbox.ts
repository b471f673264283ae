import { existsSync } from "node:fs";
import path from "node:path";
import { openOutbox } from "../follow/backends.js";
import { loadHubConfig } from "../hub/config.js";
import type { DeadJob, DeadTarget, Outbox, OutboxStats } from "../outbox/index.js";
import { ToolError } from "./tool-error.js";

interface Where {
  configDir: string;
  env?: NodeJS.ProcessEnv;
}

/** What `santral-hub outbox list` shows: per tenant, the jobs waiting and dead; and the dead jobs themselves. */
export interface OutboxReport {
  where: string;
  tenants: OutboxStats[];
  /** Newest failure first; their payloads are left out (they hold names and numbers). */
  dead: Omit<DeadJob, "payload">[];
}

/** The running hub's outbox (its SQLite file, or its Redis queue), for an operator. */
export async function outboxReport(opts: Where & { tenant?: string; limit?: number }): Promise<OutboxReport> {
  return withOutbox(opts, async (outbox, where) => {
    const tenants = await outbox.stats(opts.tenant);
    const dead = (await outbox.dead(opts.tenant, opts.limit ?? 100)).map(({ payload: _p, ...job }) => job);
    return { where, tenants, dead };
  });
}

/** `santral-hub outbox retry`: dead jobs queued again, with a fresh back-off; how many. */
export function retryDead(opts: Where & { target: DeadTarget }): Promise<number> {
  return withOutbox(opts, (outbox) => outbox.retry(opts.target));
}

/** `santral-hub outbox drop`: dead jobs deleted, never to run; how many. */
export function dropDead(opts: Where & { target: DeadTarget }): Promise<number> {
  return withOutbox(opts, (outbox) => outbox.drop(opts.target));
}

async function withOutbox<T>(opts: Where, work: (outbox: Outbox, where: string) => Promise<T>): Promise<T> {
  const hub = await loadHubConfig(opts.configDir, opts.env ?? process.env);
  if (hub.cache.backend !== "redis" && !existsSync(path.join(hub.stateDir, "outbox.sqlite"))) {
    throw new ToolError("unreachable", `no outbox in ${hub.stateDir} yet: has the hub run with this config?`);
  }
  const { outbox, where } = await openOutbox(hub);
  try {
    return await work(outbox, where);
  } finally {
    await outbox.close();
  }
}
