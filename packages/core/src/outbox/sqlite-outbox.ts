import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@santral-hub/sdk";
import Database from "better-sqlite3";
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
  type RetryPolicy,
  type WorkOptions,
} from "./types.js";

export interface SqliteOutboxOptions {
  /** The SQLite file (created if missing); its own file, as it fsyncs every commit. */
  file: string;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
  /**
   * A running job is leased this long and the lease renewed while its handler runs; a job whose process
   * died runs again once its lease has run out (default 30 s).
   */
  leaseMs?: number;
  /** Looks this often for jobs another process queued (an operator's `retry`), default 5 s. */
  pollMs?: number;
  /** Done jobs are kept this long for the idempotency check (default 24 h). */
  keepDoneMs?: number;
  /** `close` waits this long for running handlers (default 10 s). */
  closeTimeoutMs?: number;
}

type State = "queued" | "running" | "done" | "dead";

interface JobRow {
  id: string;
  kind: string;
  tenant: string;
  payload: string;
  state: State;
  /** Runs started so far. */
  attempts: number;
  created_at: number;
  /** When the give-up clock started: added, or retried by an operator. */
  since: number;
  /** queued: when it is due; running: when its lease runs out. */
  run_at: number;
  lease_owner: string | null;
  last_error: string | null;
  finished_at: number | null;
}

interface Worker {
  handler: OutboxHandler;
  concurrency: number;
  running: Map<string, Promise<void>>;
}

interface StatsRow {
  tenant: string;
  kind: string;
  queued: number;
  retrying: number;
  dead: number;
  oldest: number | null;
}

const PURGE_EVERY_MS = 60_000;
/** The soonest the timer fires again, so a locked database is not polled in a tight loop. */
const MIN_TIMER_MS = 20;

/**
 * The outbox of the embedded default: one SQLite file. `add` commits with a full fsync before it resolves;
 * a job added in this process wakes its handler at once, retries are taken by a timer set to the next one
 * due. Jobs are claimed in IMMEDIATE transactions with a lease, so another process on the same file (an
 * operator's CLI, or a second hub) never runs a job twice at once.
 */
export class SqliteOutbox implements Outbox {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly sql;
  private readonly policy: RetryPolicy;
  private readonly log: Logger | undefined;
  /** This process's lease name: its host and pid say whether it is still alive (see `reclaimOrphans`). */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly keepDoneMs: number;
  private readonly closeTimeoutMs: number;
  private readonly workers = new Map<string, Worker>();
  private timer: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private wakePending = false;
  private lastPurge = 0;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(options: SqliteOutboxOptions) {
    this.policy = retryPolicy(options.retry);
    this.log = options.log;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 5000;
    this.keepDoneMs = options.keepDoneMs ?? KEEP_DONE_MS;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    const db = new Database(options.file);
    this.db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    // WAL's NORMAL may lose the last commits on power loss: fine for a job's runs (a job that loses its
    // "done" runs again, and handlers are idempotent), not for a job just acknowledged, which `add` syncs
    db.pragma("synchronous = NORMAL");
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox_jobs (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT NOT NULL, payload TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL, created_at INTEGER NOT NULL, since INTEGER NOT NULL,
        run_at INTEGER NOT NULL, lease_owner TEXT, last_error TEXT, finished_at INTEGER);
      CREATE INDEX IF NOT EXISTS outbox_jobs_due ON outbox_jobs (kind, state, run_at);
      CREATE INDEX IF NOT EXISTS outbox_jobs_state ON outbox_jobs (state, tenant, finished_at);
    `);
    const dead = "state = 'dead' AND id IN (SELECT value FROM json_each(@ids))";
    const deadOf = "state = 'dead' AND tenant = @tenant";
    const requeue = "state = 'queued', attempts = 0, since = @now, run_at = @now, finished_at = NULL";
    this.sql = {
      // a done job past its keeping time is as good as purged: the id may be added again
      insert: db.prepare(
        `INSERT INTO outbox_jobs (id, kind, tenant, payload, state, attempts, created_at, since, run_at)
         VALUES (@id, @kind, @tenant, @payload, 'queued', 0, @now, @now, @runAt)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, tenant = excluded.tenant, payload = excluded.payload,
           state = 'queued', attempts = 0, created_at = @now, since = @now, run_at = @runAt, lease_owner = NULL,
           last_error = NULL, finished_at = NULL
         WHERE outbox_jobs.state = 'done' AND outbox_jobs.finished_at < @expired`,
      ),
      // one query per state, each an index range in run_at order (a query over both sorts every due job);
      // never this process's own running jobs, even were a lease to run out while its handler still runs
      due: db.prepare<{ kind: string; now: number; limit: number }, JobRow>(
        "SELECT * FROM outbox_jobs WHERE kind = @kind AND state = 'queued' AND run_at <= @now ORDER BY run_at LIMIT @limit",
      ),
      lapsed: db.prepare<{ kind: string; now: number; limit: number; owner: string }, JobRow>(
        `SELECT * FROM outbox_jobs WHERE kind = @kind AND state = 'running' AND run_at <= @now
         AND lease_owner IS NOT @owner ORDER BY run_at LIMIT @limit`,
      ),
      claim: db.prepare(
        "UPDATE outbox_jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner, run_at = @until WHERE id = @id",
      ),
      // MIN per state, so each reads one end of an index range, not every queued job
      next: db.prepare<{ kind: string; owner: string }, { at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT MIN(run_at) AS at FROM outbox_jobs WHERE kind = @kind AND state = 'queued'
           UNION ALL SELECT MIN(run_at) FROM outbox_jobs WHERE kind = @kind AND state = 'running' AND lease_owner IS NOT @owner)`,
      ),
      renew: db.prepare("UPDATE outbox_jobs SET run_at = @until WHERE lease_owner = @owner AND state = 'running'"),
      // payload cleared: a done job is kept only for its id
      done: db.prepare(
        `UPDATE outbox_jobs SET state = 'done', payload = 'null', finished_at = @now, lease_owner = NULL, last_error = NULL
         WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
      ),
      again: db.prepare(
        `UPDATE outbox_jobs SET state = 'queued', run_at = @at, lease_owner = NULL, last_error = @error
         WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
      ),
      kill: db.prepare(
        `UPDATE outbox_jobs SET state = 'dead', finished_at = @now, lease_owner = NULL, last_error = @error
         WHERE id = @id AND (lease_owner = @owner OR @owner IS NULL) AND state = 'running'`,
      ),
      release: db.prepare(
        "UPDATE outbox_jobs SET state = 'queued', run_at = @now, lease_owner = NULL WHERE lease_owner = @owner AND state = 'running'",
      ),
      owners: db.prepare<[], { owner: string }>(
        "SELECT DISTINCT lease_owner AS owner FROM outbox_jobs WHERE state = 'running' AND lease_owner IS NOT NULL",
      ),
      purge: db.prepare("DELETE FROM outbox_jobs WHERE state = 'done' AND finished_at < @expired"),
      stats: db.prepare<{ tenant: string | null; now: number }, StatsRow>(
        `SELECT tenant, kind,
           SUM((state = 'queued' AND attempts = 0) OR (state = 'running' AND attempts <= 1)) AS queued,
           SUM((state = 'queued' AND attempts > 0) OR (state = 'running' AND attempts > 1)) AS retrying,
           SUM(state = 'dead') AS dead,
           MIN(CASE WHEN state IN ('queued', 'running') THEN created_at END) AS oldest
         FROM outbox_jobs WHERE state IN ('queued', 'running', 'dead') AND (@tenant IS NULL OR tenant = @tenant)
         GROUP BY tenant, kind ORDER BY tenant, kind`,
      ),
      dead: db.prepare<{ tenant: string | null; limit: number }, JobRow>(
        `SELECT * FROM outbox_jobs WHERE state = 'dead' AND (@tenant IS NULL OR tenant = @tenant)
         ORDER BY finished_at DESC, id LIMIT @limit`,
      ),
      retryIds: db.prepare(`UPDATE outbox_jobs SET ${requeue} WHERE ${dead}`),
      retryTenant: db.prepare(`UPDATE outbox_jobs SET ${requeue} WHERE ${deadOf}`),
      dropIds: db.prepare(`DELETE FROM outbox_jobs WHERE ${dead}`),
      dropTenant: db.prepare(`DELETE FROM outbox_jobs WHERE ${deadOf}`),
    };
  }

  async add<T>(job: OutboxJobInput<T>): Promise<boolean> {
    if (this.closed || this.closing) throw new Error("the outbox is closed");
    checkJob(job);
    const now = Date.now();
    this.db.pragma("synchronous = FULL");
    let changes: number;
    try {
      ({ changes } = this.sql.insert.run({
        id: job.id,
        kind: job.kind,
        tenant: job.tenant,
        payload: JSON.stringify(job.payload) ?? "null",
        now,
        runAt: now + Math.max(0, job.delayMs ?? 0),
        expired: now - this.keepDoneMs,
      }));
    } finally {
      this.db.pragma("synchronous = NORMAL");
    }
    if (changes === 0) return false;
    if (this.workers.has(job.kind)) this.wakeSoon();
    return true;
  }

  work(kind: string, handler: OutboxHandler, options: WorkOptions = {}): void {
    if (this.closed || this.closing) throw new Error("the outbox is closed");
    if (this.workers.has(kind)) throw new Error(`the outbox already has a handler for "${kind}"`);
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.workers.set(kind, { handler, concurrency, running: new Map() });
    if (!this.renewer) {
      this.reclaimOrphans();
      this.renewer = setInterval(() => this.renewLeases(), Math.max(10, Math.floor(this.leaseMs / 3))).unref();
    }
    this.wakeSoon();
  }

  /**
   * Jobs a process on this host was running when it died (SIGKILL, a crash): queued again at once rather than
   * when their lease runs out. A process that may be alive (another host, or its pid taken again) keeps
   * its lease.
   */
  private reclaimOrphans(): void {
    const here = hostname();
    try {
      for (const { owner } of this.sql.owners.all()) {
        const [host, pid] = owner.split(":");
        if (host !== here || owner === this.owner || !pid || alive(Number(pid))) continue;
        const { changes } = this.sql.release.run({ owner, now: Date.now() });
        if (changes > 0)
          this.log?.warn({ jobs: changes }, "outbox: jobs a stopped process was running are queued again");
      }
    } catch (error) {
      this.log?.error({ err: errorText(error) }, "outbox: could not look for jobs a stopped process left");
    }
  }

  async stats(tenant?: string): Promise<OutboxStats[]> {
    const now = Date.now();
    const rows = new Map<string, OutboxStats>();
    for (const row of this.sql.stats.all({ tenant: tenant ?? null, now })) {
      const r = rows.get(row.tenant) ?? emptyStats(row.tenant);
      rows.set(row.tenant, r);
      r.queued += row.queued;
      r.retrying += row.retrying;
      r.dead += row.dead;
      if (row.oldest !== null) r.oldestAgeMs = Math.max(r.oldestAgeMs, now - row.oldest);
      r.kinds[row.kind] = { queued: row.queued, retrying: row.retrying, dead: row.dead };
    }
    if (tenant !== undefined) return [rows.get(tenant) ?? emptyStats(tenant)];
    return [...rows.values()];
  }

  async dead(tenant?: string, limit = 100): Promise<DeadJob[]> {
    return this.sql.dead.all({ tenant: tenant ?? null, limit }).map((row) => ({
      ...jobOf(row),
      attempts: row.attempts,
      lastError: row.last_error ?? "",
      failedAt: row.finished_at ?? 0,
    }));
  }

  async retry(target: DeadTarget): Promise<number> {
    const now = Date.now();
    const { changes } =
      "tenant" in target
        ? this.sql.retryTenant.run({ tenant: target.tenant, now })
        : this.sql.retryIds.run({ ids: JSON.stringify(target), now });
    if (changes > 0) this.wakeSoon();
    return changes;
  }

  async drop(target: DeadTarget): Promise<number> {
    return "tenant" in target
      ? this.sql.dropTenant.run({ tenant: target.tenant }).changes
      : this.sql.dropIds.run({ ids: JSON.stringify(target) }).changes;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearTimeout(this.timer);
    const running = [...this.workers.values()].flatMap((w) => [...w.running.values()]);
    if (running.length > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running),
        new Promise((resolve) => {
          timeout = setTimeout(resolve, this.closeTimeoutMs);
        }),
      ]);
      clearTimeout(timeout);
    }
    clearInterval(this.renewer);
    // handlers still running are given up on here: their jobs run again on the next start, not a lease later
    const { changes } = this.sql.release.run({ owner: this.owner, now: Date.now() });
    if (changes > 0) this.log?.warn({ jobs: changes }, "outbox: closed with jobs still running; they run again");
    this.closed = true;
    this.db.close();
  }

  /** Runs every kind's due jobs on the next turn of the event loop (once, however many ask). */
  private wakeSoon(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      this.tick();
    });
  }

  private tick(): void {
    if (this.closing) return;
    const now = Date.now();
    try {
      if (now - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = now;
        this.sql.purge.run({ expired: now - this.keepDoneMs });
      }
      for (const [kind, worker] of this.workers) this.pump(kind, worker, now);
    } catch (error) {
      // e.g. the file locked by another process past the busy timeout: the timer tries again
      this.log?.error({ err: errorText(error) }, "outbox: could not take jobs");
    }
    this.arm();
  }

  /** Sets the timer to the next job due of a kind that has room to run it (at the latest, in pollMs). */
  private arm(): void {
    clearTimeout(this.timer);
    if (this.closing || this.workers.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    try {
      for (const [kind, worker] of this.workers) {
        if (worker.running.size >= worker.concurrency) continue; // a finishing job wakes it
        const at = this.sql.next.get({ kind, owner: this.owner })?.at;
        if (typeof at === "number" && at < next) next = at;
      }
    } catch (error) {
      this.log?.error({ err: errorText(error) }, "outbox: could not read the next job due");
    }
    const wait = Math.min(this.pollMs, Math.max(MIN_TIMER_MS, next - Date.now()));
    this.timer = setTimeout(() => this.tick(), wait).unref();
  }

  private pump(kind: string, worker: Worker, now: number): void {
    const free = worker.concurrency - worker.running.size;
    if (free <= 0) return;
    const claimed = this.db
      .transaction((): JobRow[] => {
        const rows: JobRow[] = [];
        const args = { kind, now, limit: free, owner: this.owner };
        const due = [...this.sql.lapsed.all(args), ...this.sql.due.all(args)]
          .sort((a, b) => a.run_at - b.run_at)
          .slice(0, free);
        for (const row of due) {
          if (row.state === "running") {
            // its lease ran out: the process running it stopped (or hung) mid-run
            this.log?.warn(
              { job: row.id, kind, tenant: row.tenant, attempts: row.attempts },
              "outbox: a job's run was left unfinished; running it again",
            );
            if (now > row.since + this.policy.giveUpAfterMs) {
              this.sql.kill.run({ id: row.id, owner: null, now, error: "left unfinished by a stopped process" });
              this.log?.error({ job: row.id, kind, tenant: row.tenant }, "outbox: job is dead (gave up)");
              continue;
            }
          }
          this.sql.claim.run({ id: row.id, owner: this.owner, until: now + this.leaseMs });
          rows.push(row);
        }
        return rows;
      })
      .immediate();
    for (const row of claimed) this.run(worker, row);
  }

  private run(worker: Worker, row: JobRow): void {
    const done = (async () => {
      let job: OutboxJob<unknown>;
      try {
        job = jobOf(row);
      } catch {
        this.finish(row, new Error("the stored payload is not valid JSON"), true);
        return;
      }
      try {
        await worker.handler(job);
      } catch (error) {
        this.finish(row, error);
        return;
      }
      this.finish(row, undefined);
    })()
      .catch((error: unknown) => this.log?.error({ job: row.id, err: errorText(error) }, "outbox: could not save"))
      .finally(() => {
        worker.running.delete(row.id);
        if (!this.closing) this.wakeSoon();
      });
    worker.running.set(row.id, done);
  }

  /** Saves a run's outcome, unless this process no longer holds the job (closed, or its lease taken over). */
  private finish(row: JobRow, error: unknown, permanent = false): void {
    if (this.closed) return;
    const now = Date.now();
    const runs = row.attempts + 1;
    const fields = { job: row.id, kind: row.kind, tenant: row.tenant, attempts: runs };
    const id = row.id;
    const owner = this.owner;
    if (error === undefined) {
      if (this.sql.done.run({ id, owner, now }).changes === 0) {
        this.log?.warn(fields, "outbox: a job finished after this process gave it up; it may run again");
      } else {
        this.log?.debug(fields, "outbox: job done");
      }
      return;
    }
    const message = errorText(error);
    const at = permanent ? undefined : nextRunAt(this.policy, error, runs, row.since, now);
    const changes =
      at === undefined
        ? this.sql.kill.run({ id, owner, now, error: message }).changes
        : this.sql.again.run({ id, owner, at, error: message }).changes;
    if (changes === 0) return;
    if (at === undefined) this.log?.error({ ...fields, err: message }, "outbox: job is dead");
    else this.log?.warn({ ...fields, err: message, retryInMs: at - now }, "outbox: job failed; will retry");
  }

  private renewLeases(): void {
    if (this.closed) return;
    if (![...this.workers.values()].some((w) => w.running.size > 0)) return;
    try {
      this.sql.renew.run({ owner: this.owner, until: Date.now() + this.leaseMs });
    } catch (error) {
      this.log?.error({ err: errorText(error) }, "outbox: could not renew the running jobs' leases");
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"; // it exists, under another user
  }
}

function jobOf(row: JobRow): OutboxJob<unknown> {
  return {
    id: row.id,
    kind: row.kind,
    tenant: row.tenant,
    payload: JSON.parse(row.payload) as unknown,
    // read before the claim counted this run: the runs before it (a dead job's: all its runs)
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}
