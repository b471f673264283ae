import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteOutbox, type SqliteOutboxOptions } from "./sqlite-outbox.js";
import { type OpenOptions, outboxContract, sleep, startDoomedProcess, until } from "./testing.js";
import type { OutboxJob } from "./types.js";

/** A temp dir per test; every instance opened on its one file is closed at the end. */
function sqliteBackend() {
  const dir = mkdtempSync(path.join(tmpdir(), "santral-outbox-"));
  const file = path.join(dir, "outbox.sqlite");
  const opened: SqliteOutbox[] = [];
  return {
    file,
    open(options: OpenOptions & Partial<SqliteOutboxOptions> = {}) {
      const outbox = new SqliteOutbox({ file, ...options });
      opened.push(outbox);
      return outbox;
    },
    async cleanup() {
      await Promise.all(opened.map((o) => o.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

outboxContract("SQLite", sqliteBackend);

describe("SQLite outbox, on its file", () => {
  let b: ReturnType<typeof sqliteBackend>;
  beforeEach(() => {
    b = sqliteBackend();
  });
  afterEach(async () => {
    await b.cleanup();
  });

  it("runs a job again after the process running it was killed, once its lease runs out", async () => {
    const before = b.open();
    await before.add({ id: "crash:1", kind: "crash", tenant: "acme", payload: { n: 1 } });
    await before.close();
    const doomed = await startDoomedProcess(["sqlite", b.file]);
    await doomed.kill();

    const after = b.open({ leaseMs: 300 });
    const runs: OutboxJob<unknown>[] = [];
    const killedAt = Date.now();
    after.work("crash", async (job) => {
      runs.push(job);
    });
    await until(() => runs.length === 1, "the job to run again");
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(runs[0]).toMatchObject({ id: "crash:1", attempts: 1, payload: { n: 1 } });
  });

  it("runs each job once with two processes working on one file", async () => {
    const a = b.open();
    const c = b.open();
    const ran: string[] = [];
    const handler = async (job: OutboxJob<unknown>) => {
      ran.push(job.id);
      await sleep(5);
    };
    a.work("notify", handler);
    c.work("notify", handler);
    const ids = Array.from({ length: 30 }, (_, i) => `notify:acme:${i}`);
    const added = await Promise.all(
      ids.flatMap((id) => [a, c].map((o) => o.add({ id, kind: "notify", tenant: "acme", payload: {} }))),
    );
    expect(added.filter(Boolean)).toHaveLength(ids.length);
    await until(() => ran.length >= ids.length, "every job to run");
    await sleep(300);
    expect([...ran].sort()).toEqual([...ids].sort());
  });

  it("forgets a done job's id after keepDoneMs, so it may be added again", async () => {
    const outbox = b.open({ keepDoneMs: 100 });
    const runs: number[] = [];
    outbox.work("notify", async (job) => {
      runs.push(job.attempts);
    });
    const job = { id: "notify:acme:1", kind: "notify", tenant: "acme", payload: {} };
    await outbox.add(job);
    await until(() => runs.length === 1, "the job to run");
    await sleep(20);
    expect(await outbox.add(job)).toBe(false);
    await sleep(120);
    expect(await outbox.add(job)).toBe(true);
    await until(() => runs.length === 2, "the job to run again");
    expect(runs).toEqual([0, 0]);
  });

  it("keeps a done job's id but not its payload", async () => {
    const outbox = b.open();
    let done = false;
    outbox.work("notify", async () => {
      done = true;
    });
    const job = { id: "notify:acme:1", kind: "notify", tenant: "acme", payload: { name: "Şükrü Çelik" } };
    await outbox.add(job);
    await until(() => done, "the job to run");
    await until(async () => (await outbox.stats("acme"))[0]?.queued === 0, "the job to be done");
    const db = new Database(b.file, { readonly: true });
    try {
      expect(db.prepare("SELECT state, payload FROM outbox_jobs WHERE id = ?").get(job.id)).toEqual({
        state: "done",
        payload: "null",
      });
    } finally {
      db.close();
    }
    expect(await outbox.add(job)).toBe(false);
  });

  it("picks up a job another process queued on the file, within its poll", async () => {
    const worker = b.open({ pollMs: 100 });
    const runs: string[] = [];
    worker.work("notify", async (job) => {
      runs.push(job.id);
    });
    const cli = b.open();
    await cli.add({ id: "notify:acme:1", kind: "notify", tenant: "acme", payload: {} });
    await until(() => runs.length === 1, "the other process's job to run", 1000);
  });
});
