// `pnpm bench`: load tests on loopback, bounded in time (about two minutes). Each figure is printed as a
// ratio to two baselines measured in the same run, since these machines are noisy.
import { type ChildProcess, fork } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { outboxReport } from "@santral-hub/core";
import autocannon from "autocannon";
import { parse, stringify } from "yaml";
import { csvLoad } from "./csv-load.js";
import { pgExec, seedPostgresContacts } from "./seed-postgres.js";
import { hubStart, koaStart, manyTenants } from "./startup.js";
import { xmlCost } from "./xml-cost.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const DURATION = Number(process.env.BENCH_SECONDS ?? 2);
/** The baselines and the cache hits are measured in turns, this many times, and the medians reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONNECTIONS = 10;
/** The groups of cases; `BENCH_ONLY=deadline,surge` runs just those (a quick look at one figure). */
const GROUPS = [
  "baselines",
  "miss",
  "deadline",
  "sql",
  "count",
  "surge",
  "xml",
  "backlog",
  "csv-load",
  "startup",
  "reload",
] as const;
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean),
);
for (const g of ONLY) {
  if (!(GROUPS as readonly string[]).includes(g)) {
    throw new Error(`BENCH_ONLY: no group "${g}"; the groups are ${GROUPS.join(", ")}`);
  }
}
const only = (group: (typeof GROUPS)[number]) => ONLY.size === 0 || ONLY.has(group);
const TOKEN = "demo-token-2026";
const call = (caller: string) =>
  JSON.stringify({
    arayan_no: caller,
    aranan_no: "8503030303",
    santral_no: "8503030303",
    arama_id: "1.1",
    tus_bilgisi: "-1",
    token: TOKEN,
  });
const VIP = call("05101234567");
let callNumber = 0;
/** The VIP's call under a new `arama_id` each time: a call the hub follows is a new call. */
const newVipCall = () => VIP.replace('"1.1"', `"${Date.now()}.${++callNumber}"`);

interface Measured {
  /** Measured in turns with the webhook: the medians of each round's ratios to it. */
  vsWebhook?: { rps: number; p99: number; rounds: number[] };
  name: string;
  rps: number;
  p50: number;
  p99: number;
  late?: number;
  mismatches?: number;
  deadline?: number;
}

const work = mkdtempSync(path.join(tmpdir(), "santral-bench-"));
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

/** A config dir: the demo's, with the tenant and hub changed by `edit`. */
function configDir(
  name: string,
  edit: (tenant: Record<string, unknown>, hub: Record<string, unknown>) => void,
): string {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, "config"), dir, { recursive: true });
  const tenant = parse(readFileSync(path.join(dir, "tenants/demo.yaml"), "utf8"));
  const hub = parse(readFileSync(path.join(dir, "hub.yaml"), "utf8"));
  // the hub logs a line per call, as in production; the bench sends stdout to /dev/null
  hub.log = { level: "info" };
  // all the load comes from one tenant: its call budget is checked on every call, as in production, but never hit
  hub.rateLimit = { perSecond: 1_000_000 };
  edit(tenant, hub);
  writeFileSync(path.join(dir, "tenants/demo.yaml"), stringify(tenant));
  writeFileSync(path.join(dir, "hub.yaml"), stringify(hub));
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server script in its own process (so it does not share a core with the load generator). */
async function start(
  script: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const port = await freePort();
  const child = fork(path.join(import.meta.dirname, script), [], {
    env: { ...process.env, LOG_LEVEL: "info", ...env, PORT: String(port) },
    // plain Node, as production runs the hub (from its build); tsx is loaded only by a tenant's own .ts plugin
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => child.kill("SIGTERM") };
}

async function load(
  name: string,
  url: string,
  opts: {
    body?: string;
    /** A new body for every request (distinct callers). */
    bodies?: () => string;
    deadline?: number;
    expectBody?: string;
    connections?: number;
    amount?: number;
    duration?: number;
    /** Skip the one-second warm-up (a later round of a server already warm). */
    warm?: boolean;
  } = {},
): Promise<Measured> {
  const next = opts.bodies;
  const request = next
    ? {
        method: "POST" as const,
        headers: { "content-type": "application/json" },
        requests: [{ setupRequest: (req: object) => ({ ...req, body: next() }) }],
      }
    : opts.body
      ? { method: "POST" as const, headers: { "content-type": "application/json" }, body: opts.body }
      : { method: "GET" as const };
  if (!opts.warm) await autocannon({ url, ...request, connections: CONNECTIONS, duration: 1 }); // warm-up
  let late = 0;
  let total = 0;
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        ...request,
        connections: opts.connections ?? CONNECTIONS,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? DURATION }),
        ...(opts.expectBody ? { expectBody: opts.expectBody } : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  // autocannon's own percentiles are whole milliseconds; these calls take less than one
  const times: number[] = [];
  instance?.on("response", (_client, _status, _bytes, ms) => {
    total++;
    times.push(ms);
    if (opts.deadline !== undefined && ms > opts.deadline) late++;
  });
  const result = await done;
  times.sort((a, b) => a - b);
  const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
  const measured: Measured = { name, rps: result.requests.average, p50: percentile(50), p99: percentile(99) };
  if (opts.deadline !== undefined) Object.assign(measured, { late: total ? late / total : 0, deadline: opts.deadline });
  if (opts.expectBody) measured.mismatches = result.mismatches;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return measured;
}

async function measure(
  name: string,
  script: string,
  env: Record<string, string>,
  opts: Parameters<typeof load>[2] & { path?: string } = {},
) {
  const server = await start(script, env);
  try {
    return await load(name, `${server.url}${opts.path ?? "/t/demo"}`, opts);
  } finally {
    server.stop();
  }
}

/**
 * Cases measured in turns, ROUNDS times over, their servers all up: a noisy neighbour then slows a
 * baseline and the hub alike, instead of whichever case it happened to overlap. Each figure is the median
 * of its rounds, and its ratios to the webhook the medians of each round's (a pair measured seconds apart).
 */
async function measureInTurns(
  cases: {
    name: string;
    script: string;
    env: Record<string, string>;
    opts: Parameters<typeof load>[2] & { path?: string };
  }[],
  /** Run once every server is up, before the first round: e.g. to give one of them a backlog. */
  before?: (urls: string[]) => Promise<void>,
): Promise<Measured[]> {
  const servers = [];
  for (const c of cases) servers.push(await start(c.script, c.env));
  try {
    await before?.(servers.map((s) => s.url));
    const runs: Measured[][] = cases.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) {
        const url = `${servers[i]?.url}${c.opts.path ?? "/t/demo"}`;
        runs[i]?.push(await load(c.name, url, { ...c.opts, warm: round > 0 }));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const webhookRuns = runs[1] ?? [];
    return runs.map((r, i) => ({
      ...(r[0] as Measured),
      name: cases[i]?.name ?? "",
      rps: median(r.map((m) => m.rps)),
      p50: median(r.map((m) => m.p50)),
      p99: median(r.map((m) => m.p99)),
      ...(r[0]?.late !== undefined ? { late: Math.max(...r.map((m) => m.late ?? 0)) } : {}),
      vsWebhook: {
        rps: median(r.map((m, k) => m.rps / (webhookRuns[k]?.rps ?? m.rps))),
        p99: median(r.map((m, k) => m.p99 / (webhookRuns[k]?.p99 ?? m.p99))),
        rounds: r.map((m, k) => m.rps / (webhookRuns[k]?.rps ?? m.rps)),
      },
    }));
  } finally {
    for (const server of servers) server.stop();
  }
}

const hub = "servers/hub.js";
const results: Measured[] = [];
const checks: string[] = [];
const check = (ok: boolean) => (ok ? "✓" : "✗");
console.log(
  `santral-hub bench: ${DURATION} s per case, ${CONNECTIONS} connections, loopback; baselines and cache hits in ${ROUNDS} rounds (medians)${ONLY.size ? `; only ${[...ONLY].join(", ")}` : ""}\n`,
);
const vs = (m: Measured) => m.vsWebhook ?? { rps: 0, p99: Number.POSITIVE_INFINITY, rounds: [] };
const rounds = (m: Measured) =>
  vs(m)
    .rounds.map((r) => r.toFixed(2))
    .join(", ");

if (only("baselines")) {
  const memory = configDir("memory", () => {});
  const redis = configDir("redis", (_t, h) => {
    h.cache = { backend: "redis", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
  });
  const turns = await measureInTurns([
    { name: "koa hello (baseline)", script: "servers/koa-hello.js", env: {}, opts: { path: "/" } },
    { name: "hand-written webhook (baseline)", script: "servers/webhook.js", env: {}, opts: { body: VIP } },
    { name: "hub: cache hit, memory", script: hub, env: { CONFIG_DIR: memory }, opts: { body: VIP, deadline: 1500 } },
    { name: "hub: cache hit, redis", script: hub, env: { CONFIG_DIR: redis }, opts: { body: VIP, deadline: 1500 } },
    {
      name: "hub: cache hit, memory, new ids",
      script: hub,
      env: { CONFIG_DIR: memory },
      opts: { bodies: newVipCall, deadline: 1500 },
    },
    {
      name: "hub: cache hit, memory, following",
      script: hub,
      env: { CONFIG_DIR: memory, FOLLOW: "1" },
      opts: { bodies: newVipCall, deadline: 1500 },
    },
  ]);
  results.push(...turns);
  const [memoryHit, redisHit, newIds, following] = turns.slice(2) as [Measured, Measured, Measured, Measured];
  const followCost = vs(following).rps / vs(newIds).rps;
  // the hub is saturated on one core: the time a call takes more is the CPU following costs it
  const followUs = (1 / following.rps - 1 / newIds.rps) * 1e6;
  checks.push(
    `${check(vs(memoryHit).rps >= 0.8 && vs(memoryHit).p99 <= 1.5)} cache hit in memory: ${vs(memoryHit).rps.toFixed(2)} × the webhook's req/s (≥ 0.80), p99 ${vs(memoryHit).p99.toFixed(2)} × its p99 (≤ 1.5); rounds: ${rounds(memoryHit)}`,
    `${check(vs(redisHit).rps >= 0.5)} cache hit in Redis: ${vs(redisHit).rps.toFixed(2)} × the webhook's req/s (≥ 0.50); rounds: ${rounds(redisHit)}`,
    `· following each call (the routing call remembered after the reply, as \`santral-hub start\` does): ${followCost.toFixed(2)} × the same calls' req/s without (≈ ${followUs.toFixed(1)} µs of CPU per call); rounds: ${vs(
      following,
    )
      .rounds.map((r, k) => (r / (vs(newIds).rounds[k] ?? r)).toFixed(2))
      .join(", ")}`,
  );
}

if (only("miss")) {
  const miss = configDir("miss", (t) => {
    t.cache = { ttl: 0, notFoundTtl: 0, staleFor: 0 };
  });
  results.push(await measure("hub: cache miss, CSV plugin", hub, { CONFIG_DIR: miss }, { body: VIP, deadline: 1500 }));
}

if (only("deadline")) {
  // every call waits out the deadline on 50 connections at once: the fallback must not be late for any
  const hang = configDir("hang", (t) => {
    t.crm = { adapter: path.join(import.meta.dirname, "plugins/hang.ts"), config: {} };
    t.deadline = "300ms";
  });
  const hung = await measure(
    "hub: CRM never answers",
    hub,
    { CONFIG_DIR: hang },
    {
      body: VIP,
      deadline: 350,
      expectBody: JSON.stringify({ status: "success", result: "e" }),
      connections: 50,
    },
  );
  results.push(hung);
  checks.push(
    `${check(hung.late === 0 && hung.mismatches === 0)} CRM never answers, 50 connections: ${((hung.late ?? 0) * 100).toFixed(2)}% of replies past deadline + 50 ms (p99 ${hung.p99.toFixed(1)} ms for a 300 ms deadline), ${hung.mismatches} not the fallback`,
  );
}

if (only("sql")) {
  // cache misses against PostgreSQL: 100k indexed contacts, a different caller on every request
  const contacts = await seedPostgresContacts(
    100_000,
    process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  );
  try {
    const sql = configDir("sql", (t) => {
      t.crm = { adapter: "sql", config: contacts.config };
      t.cache = { ttl: 0, notFoundTtl: 0, staleFor: 0 };
    });
    let i = 0;
    const caller = () => call(`0${contacts.phone(1 + ((i++ * 7919) % contacts.rows)).slice(3)}`);
    results.push(
      await measure("hub: cache miss, PostgreSQL 100k", hub, { CONFIG_DIR: sql }, { bodies: caller, deadline: 1500 }),
    );
  } finally {
    await contacts.cleanup();
  }
}

if (only("backlog")) {
  // cache hits while 10,000 call logs drain into a slow database (each INSERT sleeps 50 ms), against a hub
  // that took the same calls without writing them, in turns: the CRM's history must never slow an answer
  const url = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const contacts = await seedPostgresContacts(1000, url);
  const log = `${contacts.schema}.arama_kayitlari`;
  await pgExec(url, `CREATE TABLE ${log} (arama_id text PRIMARY KEY, musteri_id text, sure integer)`);
  try {
    const dirs = ["backlog", "no-backlog"].map((name) => {
      const dir = configDir(name, (_t, h) => {
        h.outbox = { giveUpAfter: 3_600_000 };
      });
      // both hubs take the same 10,000 calls and their events: only the first writes them into the database
      const logs = name === "backlog";
      const insert = `INSERT INTO ${log} (arama_id, musteri_id, sure) SELECT :callId, :contactId, :durationSec::integer FROM pg_sleep(0.05) ON CONFLICT (arama_id) DO NOTHING`;
      const tenant = {
        id: "kayit",
        token: TOKEN,
        crm: { adapter: "sql", config: { ...contacts.config, ...(logs ? { callLog: { insert } } : {}) } },
        ...(logs ? { callLog: { settle: 0 } } : {}),
        steps: { welcome: { rules: [{ reply: { result: "1" } }], fallback: { result: "1" } } },
        results: { "1": "known" },
      };
      writeFileSync(path.join(dir, "tenants", "kayit.yaml"), stringify(tenant));
      return dir;
    });
    const BACKLOG = 10_000;
    const fill = async ([withBacklog, without]: string[]) => {
      const started = performance.now();
      let next = 0;
      const one = async () => {
        for (let n = next++; n < BACKLOG; n = next++) {
          const caller = `0${contacts.phone(1 + (n % contacts.rows)).slice(3)}`;
          const id = `${Date.now()}.${n}`;
          const routing = { arayan_no: caller, aranan_no: "8503030303", arama_id: id, token: TOKEN };
          for (const hub of [withBacklog, without]) await post(`${hub}/t/kayit`, routing);
          const cdr = { scenario: "cdr", asteriskId: `sip8-${id}`, arayan: caller, aranan: "101", sure: 30, yon: 1 };
          for (const hub of [withBacklog, without]) await post(`${hub}/t/kayit/events?token=${TOKEN}`, cdr);
        }
      };
      await Promise.all(Array.from({ length: 32 }, one));
      const sent = performance.now();
      // the hub first takes the calls' events: measured once only call logs wait
      for (;;) {
        const { tenants } = await outboxReport({ configDir: dirs[0] as string, tenant: "kayit" });
        const waiting = (tenants[0]?.queued ?? 0) + (tenants[0]?.retrying ?? 0);
        const logs = BACKLOG - Number(await pgExec(url, `SELECT count(*)::int AS n FROM ${log}`));
        if (waiting <= logs) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      // and 10 s more: the intake's own wake (its garbage, its files' writes) is not the drain being measured
      await new Promise((r) => setTimeout(r, 10_000));
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(
        `backlog: ${BACKLOG} calls ended on the "backlog" hub in ${s(sent - started)}, their events taken ${s(performance.now() - sent)} later`,
      );
    };
    const turns = await measureInTurns(
      [
        {
          name: "hub: cache hit, 10k call logs draining",
          script: hub,
          env: { CONFIG_DIR: dirs[0] as string, FOLLOW: "1" },
          opts: { body: VIP, deadline: 1500 },
        },
        {
          name: "hub: cache hit, no backlog",
          script: hub,
          env: { CONFIG_DIR: dirs[1] as string, FOLLOW: "1" },
          opts: { body: VIP, deadline: 1500 },
        },
      ],
      fill,
    );
    const written = Number(await pgExec(url, `SELECT count(*)::int AS n FROM ${log}`));
    results.push(...turns);
    const [draining] = turns as [Measured];
    const { rps, p99 } = vs(draining);
    checks.push(
      `${check(rps >= 0.9 && p99 <= 1.1)} cache hits while call logs drain: ${rps.toFixed(2)} × the req/s without a backlog (≥ 0.90), p99 ${p99.toFixed(2)} × (≤ 1.10); ${BACKLOG - written} of ${BACKLOG} still queued at the end; rounds: ${rounds(draining)}`,
    );
  } finally {
    await contacts.cleanup();
  }
}

async function post(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** A hub in front of the counting CRM, and how many times that CRM has been asked so far. */
async function countingHub(
  name: string,
  edit: (tenant: Record<string, unknown>, hub: Record<string, unknown>) => void,
) {
  const countPort = await freePort();
  const dir = configDir(name, (t, h) => {
    t.crm = { adapter: path.join(import.meta.dirname, "plugins/count.ts"), config: { delayMs: 50 } };
    edit(t, h);
  });
  const server = await start(hub, { CONFIG_DIR: dir, COUNT_PORT: String(countPort) });
  const crmCalls = async () => Number(await (await fetch(`http://127.0.0.1:${countPort}/`)).text());
  return { server, crmCalls };
}

if (only("count")) {
  // CRM calls per key: a counting CRM behind the hub
  const { server: countHub, crmCalls } = await countingHub("count", () => {});
  const base = await crmCalls().catch(() => 0);
  await autocannon({
    url: `${countHub.url}/t/demo`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: call("05441000001"),
    connections: 1,
    amount: 1000,
  });
  const sequential = (await crmCalls()) - base;
  const before = await crmCalls();
  await autocannon({
    url: `${countHub.url}/t/demo`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: call("05441000002"),
    connections: 100,
    amount: 100,
  });
  const concurrent = (await crmCalls()) - before;
  countHub.stop();
  checks.push(
    `${check(sequential === 1)} one caller, 1000 calls in a row: ${sequential} CRM call(s)`,
    `${check(concurrent === 1)} one caller, 100 calls at once: ${concurrent} CRM call(s)`,
  );
}

/**
 * 100 calls of distinct callers sent at once (all of them within one second) to a hub in front of the
 * counting CRM: how many were not answered 200, how many got the fallback, how often the CRM was asked.
 */
async function surge(name: string, edit: (tenant: Record<string, unknown>, hub: Record<string, unknown>) => void) {
  const { server, crmCalls } = await countingHub(name, edit);
  try {
    const before = await crmCalls().catch(() => 0);
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await fetch(`${server.url}/t/demo`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: call(`0544${2000000 + i}`),
        });
        return { status: res.status, body: (await res.json()) as { result?: string } };
      }),
    );
    return {
      ms: performance.now() - started,
      non200: replies.filter((r) => r.status !== 200).length,
      fallback: replies.filter((r) => r.status === 200 && r.body.result === "e").length,
      crm: (await crmCalls()) - before,
    };
  } finally {
    server.stop();
  }
}

if (only("surge")) {
  // the hub's default limit (the bench's other configs lift it), then a tenant's own limit of the old default
  const atDefault = await surge("surge", (_t, h) => {
    delete h.rateLimit;
  });
  checks.push(
    `${check(atDefault.non200 === 0)} surge, 100 calls in one second at the default limit: ${atDefault.non200} non-200 answers, ${atDefault.fallback} answered the fallback, ${atDefault.crm} CRM calls (${atDefault.ms.toFixed(0)} ms)`,
  );
  const tight = await surge("surge-tight", (t) => {
    t.rateLimit = { perSecond: 20, burst: 40 };
  });
  checks.push(
    `${check(tight.non200 === 0 && tight.fallback + tight.crm === 100)} surge past a tenant's limit of 20/s, burst 40: ${tight.non200} non-200 answers, ${tight.fallback} answered the fallback without the CRM, ${tight.crm} CRM calls`,
  );
}

if (only("xml")) {
  // in this process, no server: the CPU a 64 KiB body costs before its token is checked
  const cost = await xmlCost();
  checks.push(
    `${check(cost.ratio <= 5)} unauthenticated XML: ${cost.ratio.toFixed(2)} × the CPU of JSON (≤ 5): ${cost.xmlMs.toFixed(2)} ms for 64 KiB of ${cost.xmlShape}, ${cost.jsonMs.toFixed(2)} ms for 64 KiB of JSON (${cost.jsonShape})`,
  );
}

if (only("csv-load")) {
  // a 1M-row CSV: indexed by the plugin against csv-parse alone reading it, each in a process of its own
  const { lines, check } = await csvLoad(work);
  for (const line of lines) console.log(line);
  checks.push(check);
}

if (only("startup")) {
  // `santral-hub start` to listening and to every tenant loaded, and its RSS then: the demo tenant alone and
  // 1,000 tenants on small CSVs, against a bare Koa hello started the same way (medians of three starts)
  const koa = await koaStart();
  const demo = await hubStart(path.join(ROOT, "config"));
  const many = await hubStart(manyTenants(path.join(work, "t1000"), 1000));
  const row = (name: string, s: { listen: number; ready: number; rss: number }) =>
    `${name.padEnd(28)} listening ${String(s.listen).padStart(5)} ms  all ready ${String(s.ready).padStart(5)} ms  RSS ${String(s.rss).padStart(4)} MB`;
  console.log(
    `\n${row("koa hello (baseline)", koa)}\n${row("hub: the demo tenant", demo)}\n${row("hub: 1,000 tenants", many)}`,
  );
  checks.push(
    `${check(demo.listen < 500 && demo.rss < 80)} the demo tenant alone: listening after ${demo.listen} ms (< 500; ${(demo.listen / koa.listen).toFixed(2)} × a Koa hello's ${koa.listen} ms), RSS ${demo.rss} MB (< 80; Koa hello ${koa.rss} MB)`,
    `${check(many.listen < 1000 && many.ready < 2000 && many.rss < 200)} 1,000 tenants: listening after ${many.listen} ms (< 1000), every tenant ready after ${many.ready} ms (< 2000), RSS ${many.rss} MB (< 200)`,
  );
}

if (only("reload")) {
  // cache hits on one of 500 tenants, in turns: alone, and while the hub reloads (SIGHUP every 250 ms, one
  // tenant file changed before each): a reload costs what changed, never a stall of every call
  const dir = manyTenants(path.join(work, "t500"), 500);
  const server = await start(hub, { CONFIG_DIR: dir });
  const changing = path.join(dir, "tenants", "t0001.yaml");
  const original = readFileSync(changing, "utf8");
  try {
    const url = `${server.url}/t/t0000`;
    const quiet: Measured[] = [];
    const busy: Measured[] = [];
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(await load("hub: 500 tenants", url, { body: VIP, warm: round > 0 }));
      const timer = setInterval(() => {
        writeFileSync(changing, original.replace("hoş geldiniz", `hoş geldiniz ${++n}`));
        server.child.kill("SIGHUP");
      }, 250);
      busy.push(await load("hub: 500 tenants, reloading", url, { body: VIP, warm: true }));
      clearInterval(timer);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const ratios = busy.map((b, i) => b.p99 / (quiet[i]?.p99 ?? b.p99));
    const p99 = median(ratios);
    for (const [name, runs] of [
      ["hub: 500 tenants", quiet],
      ["hub: 500 tenants, reloading", busy],
    ] as const) {
      results.push({
        name,
        rps: median(runs.map((m) => m.rps)),
        p50: median(runs.map((m) => m.p50)),
        p99: median(runs.map((m) => m.p99)),
      });
    }
    checks.push(
      `${check(p99 <= 2)} cache hits at 500 tenants while the hub reloads (${n} reloads, one file changed each): p99 ${p99.toFixed(2)} × the same calls without (≤ 2.0); rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")}`,
    );
  } finally {
    server.stop();
  }
}

// the report
const find = (name: string) => results.find((r) => r.name.startsWith(name));
const hello = find("koa hello");
const webhook = find("hand-written webhook");
const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : "-");
const rows = results.map((r) => [
  r.name,
  r.rps.toFixed(0),
  `${r.p50.toFixed(2)} ms`,
  `${r.p99.toFixed(2)} ms`,
  ratio(r.rps, hello?.rps),
  r.vsWebhook ? r.vsWebhook.rps.toFixed(2) : ratio(r.rps, webhook?.rps),
  ratio(r.p99, hello?.p99),
  r.vsWebhook ? r.vsWebhook.p99.toFixed(2) : ratio(r.p99, webhook?.p99),
  r.late === undefined ? "" : `${(r.late * 100).toFixed(2)}% > ${r.deadline} ms`,
]);
const head = [
  "case",
  "req/s",
  "p50",
  "p99",
  "req/s ×hello",
  "req/s ×webhook",
  "p99 ×hello",
  "p99 ×webhook",
  "past deadline",
];
if (rows.length > 0) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r.map(String)));
}
for (const c of checks) console.log(c);
process.exit(0);
