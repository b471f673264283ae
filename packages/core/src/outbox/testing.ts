// Test helpers of the outbox: one contract both backends pass, and what it needs. Not exported by core.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Logger } from "@santral-hub/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_ERROR_LENGTH } from "./policy.js";
import { emptyStats, type Outbox, type OutboxJob, PermanentFailure, type RetryPolicy } from "./types.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface OpenOptions {
  retry?: Partial<RetryPolicy>;
  log?: Logger;
  closeTimeoutMs?: number;
}

/** One test's storage (a file, a Redis prefix): every `open` is a new instance on it, as after a restart. */
export interface OutboxBackend {
  open(options?: OpenOptions): Outbox;
  /** Closes every instance opened and removes the storage. */
  cleanup(): Promise<void>;
}

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that keeps what it is given. */
export function captureLog(): { log: Logger; lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  return { lines, log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

/** A handler that records each run's job and time; `fail(run)` decides whether that run throws. */
function recorder(fail: (run: number, job: OutboxJob<unknown>) => Error | undefined = () => undefined) {
  const runs: { job: OutboxJob<unknown>; at: number }[] = [];
  return {
    runs,
    handler: async (job: OutboxJob<unknown>) => {
      runs.push({ job, at: Date.now() });
      const error = fail(runs.length, job);
      if (error) throw error;
    },
  };
}

/** A notification as the hub queues one: a card with a name and a number, which must never reach a log. */
function notifyJob(n: number, tenant = "acme") {
  return {
    id: `notify:${tenant}:1a2b3c:call-${n}`,
    kind: "notify",
    tenant,
    payload: { body: JSON.stringify({ caller: "+905321234567", name: "Şükrü Çelik" }), n },
  };
}

const PRIVATE = ["+905321234567", "Şükrü", "Çelik"];

/** Waits until the tenant has nothing queued or retrying. */
async function settled(outbox: Outbox, tenant: string): Promise<void> {
  await until(async () => {
    const [row] = await outbox.stats(tenant);
    return row !== undefined && row.queued + row.retrying === 0;
  }, `${tenant}'s jobs to settle`);
}

/** The behaviour every outbox has; `backend` makes a fresh storage per test. */
export function outboxContract(name: string, backend: () => OutboxBackend): void {
  describe(`${name} outbox`, () => {
    let b: OutboxBackend;
    beforeEach(() => {
      b = backend();
    });
    afterEach(async () => {
      await b.cleanup();
    });

    it("runs an added job once, at once, with its id, kind, tenant and payload", async () => {
      const outbox = b.open();
      const { runs, handler } = recorder();
      outbox.work("notify", handler);
      await sleep(100); // the handler idle, waiting for work
      const job = notifyJob(1);
      const added = Date.now();
      expect(await outbox.add(job)).toBe(true);
      await until(() => runs.length === 1, "the job to run");
      // a card must reach the tenant's webhook within a second: no polling delay for a fresh job
      expect((runs[0]?.at ?? Number.POSITIVE_INFINITY) - added).toBeLessThan(250);
      expect(runs[0]?.job).toEqual({ ...job, attempts: 0, createdAt: expect.any(Number) });
      expect(Math.abs((runs[0]?.job.createdAt ?? 0) - added)).toBeLessThan(1000);
      await settled(outbox, "acme");
      await sleep(150);
      expect(runs).toHaveLength(1);
      expect(await outbox.stats("acme")).toEqual([emptyStats("acme")]);
    });

    it("runs a delayed job no sooner than its delay, and soon after", async () => {
      const outbox = b.open();
      const { runs, handler } = recorder();
      outbox.work("notify", handler);
      const added = Date.now();
      await outbox.add({ ...notifyJob(1), delayMs: 400 });
      await until(() => runs.length === 1, "the delayed job to run");
      const waited = (runs[0]?.at ?? 0) - added;
      expect(waited).toBeGreaterThanOrEqual(390);
      expect(waited).toBeLessThan(1500);
    });

    it("runs a job added before its handler was given", async () => {
      const outbox = b.open();
      await outbox.add(notifyJob(1));
      const { runs, handler } = recorder();
      outbox.work("notify", handler);
      await until(() => runs.length === 1, "the job to run");
      expect(runs[0]?.job.id).toBe(notifyJob(1).id);
    });

    it("does not add an id again while it is queued, or once it is done", async () => {
      const outbox = b.open();
      expect(await outbox.add(notifyJob(1))).toBe(true);
      expect(await outbox.add({ ...notifyJob(1), payload: { other: true } })).toBe(false);
      const { runs, handler } = recorder();
      outbox.work("notify", handler);
      await until(() => runs.length === 1, "the job to run");
      await settled(outbox, "acme");
      expect(await outbox.add(notifyJob(1))).toBe(false);
      expect(await outbox.add(notifyJob(2))).toBe(true);
      await until(() => runs.length === 2, "the second job to run");
      await sleep(150);
      expect(runs.map((r) => r.job.payload)).toEqual([notifyJob(1).payload, notifyJob(2).payload]);
    });

    it("retries a failing job with back-off, counting its attempts, until it succeeds", async () => {
      const outbox = b.open({ retry: { firstMs: 50, maxDelayMs: 10_000 } });
      const { runs, handler } = recorder((run) => (run <= 2 ? new Error(`receiver said 503 (${run})`) : undefined));
      outbox.work("notify", handler);
      await outbox.add(notifyJob(1));
      await until(() => runs.length === 3, "the third run");
      await settled(outbox, "acme");
      expect(runs.map((r) => r.job.attempts)).toEqual([0, 1, 2]);
      const [first, second, third] = runs.map((r) => r.at) as [number, number, number];
      // 50 ms, then twice that; jitter takes at most a quarter off
      expect(second - first).toBeGreaterThanOrEqual(37);
      expect(third - second).toBeGreaterThanOrEqual(75);
      await sleep(200);
      expect(runs).toHaveLength(3);
      expect(await outbox.dead()).toEqual([]);
    });

    it("makes a job dead at once on a PermanentFailure, keeping its message", async () => {
      const outbox = b.open({ retry: { firstMs: 20 } });
      const { runs, handler } = recorder(() => new PermanentFailure("receiver said 410 Gone"));
      outbox.work("notify", handler);
      const job = notifyJob(1);
      await outbox.add(job);
      await until(async () => (await outbox.dead()).length === 1, "the job to be dead");
      await sleep(150);
      expect(runs).toHaveLength(1);
      const [dead] = await outbox.dead("acme");
      expect(dead).toEqual({
        ...job,
        attempts: 1,
        createdAt: expect.any(Number),
        lastError: "receiver said 410 Gone",
        failedAt: expect.any(Number),
      });
      expect(Math.abs((dead?.failedAt ?? 0) - Date.now())).toBeLessThan(2000);
      expect(await outbox.stats("acme")).toEqual([
        {
          tenant: "acme",
          queued: 0,
          retrying: 0,
          dead: 1,
          oldestAgeMs: 0,
          kinds: { notify: { queued: 0, retrying: 0, dead: 1 } },
        },
      ]);
      expect(await outbox.add(job)).toBe(false); // a dead id is known
    });

    it("gives up on a job still failing after giveUpAfterMs", async () => {
      const outbox = b.open({ retry: { firstMs: 50, maxDelayMs: 10_000, giveUpAfterMs: 300 } });
      const { runs, handler } = recorder((run) => new Error(`receiver timed out (${run})`));
      outbox.work("notify", handler);
      await outbox.add(notifyJob(1));
      await until(async () => (await outbox.dead("acme")).length === 1, "the job to be dead");
      const count = runs.length;
      expect(count).toBeGreaterThanOrEqual(2);
      const [dead] = await outbox.dead("acme");
      expect(dead?.lastError).toBe(`receiver timed out (${count})`);
      expect(dead?.attempts).toBe(count);
      await sleep(300);
      expect(runs).toHaveLength(count);
    });

    it("keeps a handler's message truncated, and logs ids and kinds but never the payload", async () => {
      const { log, lines } = captureLog();
      const outbox = b.open({ retry: { firstMs: 20 }, log });
      outbox.work("notify", async () => {
        throw new PermanentFailure(`receiver said 422: ${"x".repeat(5000)}`);
      });
      await outbox.add(notifyJob(1));
      await until(async () => (await outbox.dead()).length === 1, "the job to be dead");
      const [dead] = await outbox.dead();
      expect(dead?.lastError.length).toBe(MAX_ERROR_LENGTH);
      expect(dead?.lastError.startsWith("receiver said 422: xxx")).toBe(true);
      const logged = JSON.stringify(lines);
      expect(lines.some((l) => l.level === "error" && JSON.stringify(l.obj).includes(notifyJob(1).id))).toBe(true);
      expect(logged).toContain('"tenant":"acme"');
      expect(logged).toContain('"kind":"notify"');
      for (const secret of PRIVATE) expect(logged).not.toContain(secret);
    });

    it("lists, retries and drops dead jobs, by id or by tenant", async () => {
      const outbox = b.open({ retry: { firstMs: 20 } });
      let broken = true;
      const { runs, handler } = recorder(() => (broken ? new PermanentFailure("receiver said 401") : undefined));
      outbox.work("notify", handler);
      await outbox.add(notifyJob(1));
      await until(async () => (await outbox.dead()).length === 1, "the first to be dead");
      await sleep(5);
      await outbox.add(notifyJob(2));
      await until(async () => (await outbox.dead()).length === 2, "the second to be dead");
      await outbox.add(notifyJob(1, "globex"));
      await until(async () => (await outbox.dead()).length === 3, "all three to be dead");

      expect((await outbox.dead("acme")).map((j) => j.id)).toEqual([notifyJob(2).id, notifyJob(1).id]);
      expect((await outbox.dead(undefined, 1)).map((j) => j.id)).toEqual([notifyJob(1, "globex").id]);

      broken = false;
      expect(await outbox.retry([notifyJob(1).id, "no-such-job"])).toBe(1);
      await until(() => runs.filter((r) => r.job.id === notifyJob(1).id).length === 2, "the retried job to run");
      const retried = runs.filter((r) => r.job.id === notifyJob(1).id)[1];
      expect(retried?.job.attempts).toBe(0); // an operator's retry starts afresh
      await settled(outbox, "acme");
      expect((await outbox.dead("acme")).map((j) => j.id)).toEqual([notifyJob(2).id]);
      expect(await outbox.retry([notifyJob(1).id])).toBe(0); // done, not dead

      expect(await outbox.drop({ tenant: "globex" })).toBe(1);
      expect(await outbox.dead("globex")).toEqual([]);
      expect(await outbox.drop([notifyJob(2).id])).toBe(1);
      expect(await outbox.dead()).toEqual([]);
      // a dropped id is forgotten: it may be added again
      expect(await outbox.add(notifyJob(2))).toBe(true);
      await until(() => runs.filter((r) => r.job.id === notifyJob(2).id).length === 2, "the re-added job to run");
      expect(await outbox.retry({ tenant: "acme" })).toBe(0);
    });

    it("runs a job again after a restart that interrupted its handler", async () => {
      const first = b.open({ closeTimeoutMs: 100 });
      let started = false;
      let unblock = () => {};
      first.work("notify", async () => {
        started = true;
        await new Promise<void>((resolve) => {
          unblock = resolve;
        });
      });
      await first.add(notifyJob(1));
      await until(() => started, "the first run to start");
      const closing = Date.now();
      await first.close();
      expect(Date.now() - closing).toBeLessThan(2000);
      await expect(first.add(notifyJob(2))).rejects.toThrow(/closed/);

      const second = b.open();
      const { runs, handler } = recorder();
      second.work("notify", handler);
      await until(() => runs.length === 1, "the job to run after the restart");
      expect(runs[0]?.job).toMatchObject({ id: notifyJob(1).id, attempts: 1, payload: notifyJob(1).payload });
      await settled(second, "acme");
      unblock(); // the first instance's handler ends after its close: nothing it does counts
      await sleep(100);
      expect(await second.stats("acme")).toEqual([emptyStats("acme")]);
      expect(await second.add(notifyJob(1))).toBe(false);
    });

    it("counts each tenant's queued, retrying and dead jobs, with the oldest one's age", async () => {
      const outbox = b.open({ retry: { firstMs: 60_000 } });
      await outbox.add({ ...notifyJob(1), id: "a1" });
      await outbox.add({ ...notifyJob(2), id: "a2" });
      await outbox.add({ ...notifyJob(1, "globex"), id: "g1" });
      await outbox.add({ ...notifyJob(3), id: "a3", kind: "calllog" });
      await sleep(60);
      const stats = await outbox.stats();
      expect(stats.map((s) => ({ ...s, oldestAgeMs: 0 }))).toEqual([
        {
          ...{ tenant: "acme", queued: 3, retrying: 0, dead: 0, oldestAgeMs: 0 },
          kinds: { notify: { queued: 2, retrying: 0, dead: 0 }, calllog: { queued: 1, retrying: 0, dead: 0 } },
        },
        {
          tenant: "globex",
          queued: 1,
          retrying: 0,
          dead: 0,
          oldestAgeMs: 0,
          kinds: { notify: { queued: 1, retrying: 0, dead: 0 } },
        },
      ]);
      for (const row of stats) {
        expect(row.oldestAgeMs).toBeGreaterThanOrEqual(55);
        expect(row.oldestAgeMs).toBeLessThan(5000);
      }
      expect(await outbox.stats("initech")).toEqual([emptyStats("initech")]);

      const { runs, handler } = recorder((_, job) => {
        if (job.id === "a1") return new Error("CRM said 503");
        if (job.id === "g1") return new PermanentFailure("no such CRM user");
        return undefined;
      });
      outbox.work("notify", handler);
      await until(() => runs.length === 3, "every job to run once");
      await until(async () => (await outbox.stats("globex"))[0]?.dead === 1, "g1 to be dead");
      await until(async () => (await outbox.stats("acme"))[0]?.kinds.notify?.queued === 0, "a2 to be done");
      const [acme] = await outbox.stats("acme");
      // the calllog job has no handler here: a Redis node hands it back, which counts as a try
      expect((acme?.queued ?? 0) + (acme?.retrying ?? 0)).toBe(2);
      expect(acme?.kinds.notify).toEqual({ queued: 0, retrying: 1, dead: 0 });
      expect((acme?.kinds.calllog?.queued ?? 0) + (acme?.kinds.calllog?.retrying ?? 0)).toBe(1);
      expect(acme?.oldestAgeMs).toBeGreaterThanOrEqual(55);
      expect(await outbox.stats("globex")).toEqual([
        {
          tenant: "globex",
          queued: 0,
          retrying: 0,
          dead: 1,
          oldestAgeMs: 0,
          kinds: { notify: { queued: 0, retrying: 0, dead: 1 } },
        },
      ]);
    });
  });
}

/** A new id for this test run. */
export function uniqueName(what: string): string {
  return `${what}-${randomUUID().slice(0, 8)}`;
}

/**
 * Starts `crash-child.ts` in its own process on this storage, running the "crash" kind with a handler that
 * never ends; resolves once it runs one, with a function that kills the process (SIGKILL: no clean-up).
 */
export async function startDoomedProcess(args: string[]): Promise<{ kill(): Promise<void> }> {
  const script = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the child process never ran the job: ${stderr}`));
    }, 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the child process exited (${code}): ${stderr}`));
    });
  });
  return {
    kill: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
