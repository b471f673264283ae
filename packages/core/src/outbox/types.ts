/** A piece of work to keep until it is done: a webhook notification, a CRM call log, a PBX event. */
export interface OutboxJobInput<T> {
  /**
   * The idempotency key, unique across tenants and kinds (put both in it): a job whose id is queued,
   * running, done (kept about a day) or dead is not added again.
   */
  id: string;
  /** Which `work` handler runs it. */
  kind: string;
  tenant: string;
  /** JSON-serialisable; never logged. */
  payload: T;
  /** Runs no sooner than this long after it is added (default 0): time for a call's last events to come. */
  delayMs?: number;
}

export interface OutboxJob<T> extends OutboxJobInput<T> {
  /** Runs of this job before this one: failed ones, and ones a stopped process left unfinished. */
  attempts: number;
  /** When it was first added (ms since the epoch). */
  createdAt: number;
}

/** A dead job: given up on, kept until an operator retries or drops it. */
export type DeadJob = OutboxJob<unknown> & { lastError: string; failedAt: number };

/** Resolves: done. Throws: a failed attempt, retried with back-off. Throws `PermanentFailure`: dead at once. */
export type OutboxHandler = (job: OutboxJob<unknown>) => Promise<void>;

/** Exponential back-off, twice as long each time, with jitter; dead once the next try would be too late. */
export interface RetryPolicy {
  /** The wait after the first failure (default 1000 ms). */
  firstMs: number;
  /** The longest wait between two tries (default 15 min). */
  maxDelayMs: number;
  /** A job still failing this long after it was added (or retried by an operator) is dead (default 24 h). */
  giveUpAfterMs: number;
}

/** A tenant's jobs not yet done. */
export interface OutboxStats {
  tenant: string;
  /** Waiting for, or in, their first run. */
  queued: number;
  /** Failed (or interrupted) at least once; waiting for, or in, a later run. */
  retrying: number;
  dead: number;
  /** Age of the oldest queued or retrying job; 0 when there is none. */
  oldestAgeMs: number;
  /** The same counts per kind of job (`event`, `notify`, `calllog`), for the kinds it has any of. */
  kinds: Record<string, KindStats>;
}

/** A tenant with no job waiting or dead. */
export function emptyStats(tenant: string): OutboxStats {
  return { tenant, queued: 0, retrying: 0, dead: 0, oldestAgeMs: 0, kinds: {} };
}

export interface KindStats {
  queued: number;
  retrying: number;
  dead: number;
}

/** Which dead jobs an operator tool acts on: these ids, or every dead job of a tenant. */
export type DeadTarget = readonly string[] | { tenant: string };

export interface WorkOptions {
  /** Jobs of this kind run at once in this process (default 4). */
  concurrency?: number;
}

/**
 * Work that must not be lost, stored before the hub acknowledges and run off the answer path: at least
 * once (a handler must be idempotent, e.g. by the job's id), retried with back-off, kept across restarts.
 */
export interface Outbox {
  readonly kind: "sqlite" | "redis";
  /** Resolves once the job is durably stored; false when its id is already known (nothing added). */
  add<T>(job: OutboxJobInput<T>): Promise<boolean>;
  /** Starts running jobs of this kind in this process; call before or after `add`. Once per kind. */
  work(kind: string, handler: OutboxHandler, options?: WorkOptions): void;
  /** Per tenant with jobs not yet done (or the one tenant asked for, even with none), for operators and metrics. */
  stats(tenant?: string): Promise<OutboxStats[]>;
  /** Dead jobs, the most recently failed first (default limit 100). */
  dead(tenant?: string, limit?: number): Promise<DeadJob[]>;
  /** Queues dead jobs again, with a fresh back-off and give-up clock; returns how many. */
  retry(target: DeadTarget): Promise<number>;
  /** Deletes dead jobs; returns how many. Their ids may be added again. */
  drop(target: DeadTarget): Promise<number>;
  /** Stops taking jobs, waits (bounded) for running handlers, closes storage. Unfinished jobs run again later. */
  close(): Promise<void>;
}

/** Thrown by a handler when trying again cannot help (the job is dead at once). */
export class PermanentFailure extends Error {
  override readonly name = "PermanentFailure";
}
