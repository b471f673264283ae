import { randomUUID } from "node:crypto";
import type { Logger } from "@santral-hub/sdk";
import { DelayedError, Job, type JobType, Queue, type RedisOptions, UnrecoverableError, Worker } from "bullmq";
import {
  checkJob,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  errorText,
  KEEP_DONE_MS,
  nextRunAt,
  retryPolicy,
} from "./policy.js";
import {
  type DeadJob,
  type DeadTarget,
  emptyStats,
  type Outbox,
  type OutboxHandler,
  type OutboxJob,
  type OutboxJobInput,
  type OutboxStats,
  PermanentFailure,
  type RetryPolicy,
  type WorkOptions,
} from "./types.js";

export interface RedisOutboxOptions {
  /** Where Redis is: `{ url }` or ioredis's options (host, port, password, tls, …). */
  connection: RedisOptions;
  /** Put before every key (bullmq's prefix), e.g. `santral:outbox`; every node sharing it shares the queue. */
  prefix: string;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
  /**
   * A running job's lock lasts this long and is renewed while its handler runs; a job whose node died runs
   * again on a live node once its lock has run out (default 30 s).
   */
  lockMs?: number;
  /** How often a node looks for such jobs (default lockMs). */
  stalledIntervalMs?: number;
  /** Done jobs are kept this long for the idempotency check (default 24 h). */
  keepDoneMs?: number;
  /** `close` waits this long for running handlers (default 10 s). */
  closeTimeoutMs?: number;
}

/** A job's data in bullmq. */
interface StoredJob {
  id: string;
  tenant: string;
  payload: unknown;
  /** Tells this `add` from an earlier one of the same id (bullmq answers both alike). */
  nonce: string;
  /** When an operator last retried it: its give-up clock starts again. */
  since?: number;
}

interface Running {
  job: Job<StoredJob>;
  token: string | undefined;
  done: Promise<unknown>;
}

const QUEUE = "jobs";
/** Our own strategy's name in a job's options; bullmq calls the worker's `backoffStrategy` for it. */
const BACKOFF = "santral-outbox";
/** A job of a kind this node has no handler for waits this long for a node that has one. */
const UNHANDLED_DELAY_MS = 1000;
/** Far more than any job reaches: it is the give-up clock that ends retrying. */
const ATTEMPTS = 1_000_000_000;
/** A job found stalled (its node died) more often than this is failed: it likely kills its node. */
const MAX_STALLS = 10;
/** Jobs read per round trip when scanning for stats and dead jobs. */
const PAGE = 500;
const WAITING: JobType[] = ["waiting", "prioritized", "delayed", "active"];

/**
 * The outbox on Redis, through bullmq: one queue that every hub node on that Redis (and prefix) shares, a
 * job's id as bullmq's job id (so a job is queued once and runs on one node at a time), the kind as its
 * name. `add` resolves once Redis has the job; keeping it across a Redis restart is Redis's persistence
 * (AOF). Failed jobs are bullmq's failed set: the dead. On one node, the concurrencies of its `work` calls
 * add up to one bullmq worker's.
 */
export class RedisOutbox implements Outbox {
  readonly kind = "redis";
  private readonly queue: Queue<StoredJob>;
  private readonly policy: RetryPolicy;
  private readonly log: Logger | undefined;
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly running = new Map<string, Running>();
  private worker: Worker<StoredJob> | undefined;
  private concurrency = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisOutboxOptions) {
    this.policy = retryPolicy(options.retry);
    this.log = options.log;
    // an add during a Redis outage fails after a few tries rather than holding the PBX's request
    this.queue = new Queue<StoredJob>(QUEUE, {
      connection: { maxRetriesPerRequest: 3, ...options.connection },
      prefix: options.prefix,
    });
    this.queue.on("error", (error) => this.log?.warn({ err: error.message }, "outbox: Redis error"));
  }

  async add<T>(job: OutboxJobInput<T>): Promise<boolean> {
    if (this.closing) throw new Error("the outbox is closed");
    checkJob(job);
    const nonce = randomUUID();
    const jobId = jobIdOf(job.id);
    await this.queue.add(
      job.kind,
      { id: job.id, tenant: job.tenant, payload: job.payload, nonce },
      {
        jobId,
        ...(job.delayMs ? { delay: job.delayMs } : {}),
        attempts: ATTEMPTS,
        backoff: { type: BACKOFF },
        removeOnComplete: { age: Math.ceil((this.options.keepDoneMs ?? KEEP_DONE_MS) / 1000) },
        removeOnFail: false,
        stackTraceLimit: 0, // a stack trace says nothing an operator needs, and could be long
      },
    );
    // bullmq answers a known id as it answers a new one: the stored job is ours if it has our nonce
    const client = await this.queue.backend.client;
    const stored = await client.hget(this.queue.toKey(jobId), "data");
    return stored === null || stored.includes(nonce);
  }

  work(kind: string, handler: OutboxHandler, options: WorkOptions = {}): void {
    if (this.closing) throw new Error("the outbox is closed");
    if (this.handlers.has(kind)) throw new Error(`the outbox already has a handler for "${kind}"`);
    this.handlers.set(kind, handler);
    this.concurrency += Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    if (this.worker) {
      this.worker.concurrency = this.concurrency;
      return;
    }
    const lockMs = this.options.lockMs ?? 30_000;
    this.worker = new Worker<StoredJob>(QUEUE, (job, token) => this.process(job, token), {
      // a worker's blocking connection must wait for Redis however long it takes (bullmq requires it)
      connection: { ...this.options.connection, maxRetriesPerRequest: null },
      prefix: this.options.prefix,
      concurrency: this.concurrency,
      lockDuration: lockMs,
      stalledInterval: this.options.stalledIntervalMs ?? lockMs,
      maxStalledCount: MAX_STALLS,
      settings: { backoffStrategy: (made, _type, _error, job) => this.backoff(made, job as Job<StoredJob>) },
    });
    this.worker.on("error", (error) => this.log?.warn({ err: error.message }, "outbox: Redis error"));
    this.worker.on("failed", (job, error) => {
      if (!job) return;
      const fields = { job: job.data.id, kind: job.name, tenant: job.data.tenant, attempts: job.attemptsStarted };
      if (job.finishedOn) this.log?.error({ ...fields, err: error.message }, "outbox: job is dead");
      else this.log?.warn({ ...fields, err: error.message, retryInMs: job.delay }, "outbox: job failed; will retry");
    });
    this.worker.on("stalled", (jobId) =>
      this.log?.warn({ jobId }, "outbox: a job's run was left unfinished; running it again"),
    );
  }

  async stats(tenant?: string): Promise<OutboxStats[]> {
    const now = Date.now();
    const rows = new Map<string, OutboxStats>();
    const row = (t: string) => {
      const r = rows.get(t) ?? emptyStats(t);
      rows.set(t, r);
      return r;
    };
    for (const type of [...WAITING, "failed"] as JobType[]) {
      for await (const job of this.scan(type)) {
        if (tenant !== undefined && job.data.tenant !== tenant) continue;
        const r = row(job.data.tenant);
        const k = r.kinds[job.name] ?? { queued: 0, retrying: 0, dead: 0 };
        r.kinds[job.name] = k;
        if (type === "failed") {
          r.dead++;
          k.dead++;
          continue;
        }
        // a running job's own start is counted already
        const state = job.attemptsStarted > (type === "active" ? 1 : 0) ? "retrying" : "queued";
        r[state]++;
        k[state]++;
        r.oldestAgeMs = Math.max(r.oldestAgeMs, now - job.timestamp);
      }
    }
    if (tenant !== undefined) return [row(tenant)];
    return [...rows.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  }

  async dead(tenant?: string, limit = 100): Promise<DeadJob[]> {
    const found: DeadJob[] = [];
    if (limit <= 0) return found;
    for await (const job of this.scan("failed")) {
      if (tenant !== undefined && job.data.tenant !== tenant) continue;
      found.push({
        ...jobOf(job),
        attempts: job.attemptsStarted,
        lastError: job.failedReason ?? "",
        failedAt: job.finishedOn ?? 0,
      });
      if (found.length >= limit) break;
    }
    return found;
  }

  async retry(target: DeadTarget): Promise<number> {
    let count = 0;
    for (const job of await this.deadJobs(target)) {
      try {
        await job.updateData({ ...job.data, since: Date.now() });
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        count++;
      } catch (error) {
        // retried or dropped meanwhile, by another operator
        this.log?.warn({ job: job.data.id, err: errorText(error) }, "outbox: a dead job could not be retried");
      }
    }
    return count;
  }

  async drop(target: DeadTarget): Promise<number> {
    let count = 0;
    for (const job of await this.deadJobs(target)) {
      try {
        await job.remove();
        count++;
      } catch (error) {
        this.log?.warn({ job: job.data.id, err: errorText(error) }, "outbox: a dead job could not be dropped");
      }
    }
    return count;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      await worker.pause(true).catch(() => {}); // takes no more jobs; the running ones go on
      const deadline = Date.now() + (this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      // a job fetched just as the worker paused joins the running ones: wait for it too
      while (this.running.size > 0 && Date.now() < deadline) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...this.running.values()].map((r) => r.done)),
          new Promise((resolve) => {
            timeout = setTimeout(resolve, deadline - Date.now());
          }),
        ]);
        clearTimeout(timeout);
      }
      const left = [...this.running.values()];
      await worker.close(left.length > 0);
      // handlers still running are given up on: their jobs go back to wait now, not a lock's time later (the
      // worker is closed first, so it cannot take them again; the queue's connection moves them)
      for (const { job, token } of left) {
        const stored = job.id ? await Job.fromId<StoredJob>(this.queue, job.id).catch(() => undefined) : undefined;
        await stored?.moveToWait(token).catch(() => {});
      }
      if (left.length > 0)
        this.log?.warn({ jobs: left.length }, "outbox: closed with jobs still running; they run again");
    }
    await this.queue.close();
  }

  private async process(job: Job<StoredJob>, token: string | undefined): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) {
      // a node that does not run this kind (say, mid rolling deploy) hands it back for one that does
      this.log?.warn({ job: job.data.id, kind: job.name }, "outbox: no handler for this kind on this node");
      if (token) await job.moveToDelayed(Date.now() + UNHANDLED_DELAY_MS, token);
      throw new DelayedError();
    }
    const done = (async () => handler(jobOf(job)))();
    this.running.set(job.id ?? job.data.id, { job, token, done: done.catch(() => {}) });
    try {
      await done;
      // a done job is kept a day for its id only: the payload (a card: names, numbers) goes now
      await job.updateData({ ...job.data, payload: null }).catch(() => {});
    } catch (error) {
      // bullmq keeps the message as failedReason: ours is truncated and has no stack
      const message = errorText(error);
      throw error instanceof PermanentFailure ? new UnrecoverableError(message) : new Error(message);
    } finally {
      this.running.delete(job.id ?? job.data.id);
    }
  }

  /** bullmq's delay before the next try, or -1: dead. `made` counts the failed runs, this one included. */
  private backoff(made: number, job: Job<StoredJob>): number {
    const now = Date.now();
    const at = nextRunAt(this.policy, undefined, made, job.data.since ?? job.timestamp, now);
    return at === undefined ? -1 : at - now;
  }

  /** One state's jobs, page by page (the newest first for the failed). */
  private async *scan(type: JobType): AsyncGenerator<Job<StoredJob>> {
    for (let start = 0; ; start += PAGE) {
      const jobs = (await this.queue.getJobs([type], start, start + PAGE - 1, type !== "failed")) as Job<StoredJob>[];
      for (const job of jobs) if (job?.data) yield job;
      if (jobs.length < PAGE) return;
    }
  }

  private async deadJobs(target: DeadTarget): Promise<Job<StoredJob>[]> {
    if ("tenant" in target) {
      const jobs: Job<StoredJob>[] = [];
      for await (const job of this.scan("failed")) if (job.data.tenant === target.tenant) jobs.push(job);
      return jobs;
    }
    const jobs: Job<StoredJob>[] = [];
    for (const id of new Set(target)) {
      const job = (await this.queue.getJob(jobIdOf(id))) as Job<StoredJob> | undefined;
      if (job && (await job.isFailed())) jobs.push(job);
    }
    return jobs;
  }
}

function jobOf(job: Job<StoredJob>): OutboxJob<unknown> {
  return {
    id: job.data.id,
    kind: job.name,
    tenant: job.data.tenant,
    payload: job.data.payload,
    // attemptsStarted counts this run; a run cut short by a stopped node counts too
    attempts: Math.max(job.attemptsMade, job.attemptsStarted - 1),
    createdAt: job.timestamp,
  };
}

/**
 * bullmq's job id for an outbox id: bullmq refuses ids with ':' (ours have them) and ids that read as
 * integers, so ':' and '%' are escaped and an integer-like id gets "%i" before it (which no escape makes).
 */
export function jobIdOf(id: string): string {
  const escaped = id.replaceAll("%", "%25").replaceAll(":", "%3A");
  return `${Number.parseInt(escaped, 10)}` === escaped ? `%i${escaped}` : escaped;
}
