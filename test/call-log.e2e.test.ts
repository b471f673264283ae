import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Seeded, seedCallLog, seedConformance } from "../plugins/sql/test/fixtures/seed.js";
import { santralHub, startCli } from "./helpers/cli.js";
import { cdrEvent, followConfig, startFollowingHub } from "./helpers/follow.js";
import { CRM_RESULTS, CRM_STEPS } from "./helpers/tenant.js";

// Every ended call in the CRM's history, once: a tenant on PostgreSQL whose call log is written through
// the SQL plugin's own connection, which goes through a TCP proxy the tests can cut (the database "down").

const TOKEN = "acme-call-log-token-2026";
const CALLER = "05441000000"; // the conformance records' VIP, form-trunk, owner at extension 201

let seeded: Seeded;
let table: string;
let insert: string;
let proxy: Proxy;
let dir: string;
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  seeded = await seedConformance("postgres");
  const log = await seedCallLog("postgres", seeded);
  table = log.table;
  insert = String((await log.config(seeded.config)).callLog?.insert);
  proxy = await startProxy(new URL(seeded.config.url).port || "5432");
  dir = await mkdtemp(path.join(tmpdir(), "santral-call-log-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(
    path.join(dir, "hub.yaml"),
    "reload: { watch: false }\nmetrics: { port: call }\noutbox: { retryFirst: 150, retryMax: 400, giveUpAfter: 60000 }\n",
  );
  await writeFile(path.join(dir, "tenants", "acme.yaml"), tenantYaml("acme", insert));
  // a tenant whose INSERT names a table that is not there: its calls cannot be written, ever
  await writeFile(path.join(dir, "tenants", "bozuk.yaml"), tenantYaml("bozuk", insert.replace(table, `${table}_yok`)));
  // a tenant that writes a new caller's record before their call
  const create = `INSERT INTO ${seeded.tables.contacts} (musteri_id, telefon, ad_soyad) VALUES ('yeni-' || :phone, :national, 'Yeni arayan') RETURNING *`;
  await writeFile(path.join(dir, "tenants", "yeni.yaml"), tenantYaml("yeni", insert, create));
  // a tenant that asks for a call log its plugin's config does not set up
  const missing = tenantYaml("eksik", insert).replace(/\n {4}callLog:\n.*\n.*\n/, "\n");
  await writeFile(path.join(dir, "tenants", "eksik.yaml"), missing);
});

afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
  proxy.down = false;
  await seeded.admin.exec(`DELETE FROM ${table}`);
});

afterAll(async () => {
  await proxy?.close();
  await seeded?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function tenantYaml(id: string, statement: string, createContact?: string): string {
  return `
id: ${id}
token: \${env:ACME_TOKEN}
${CRM_RESULTS}
crm:
  adapter: sql
  config:
    driver: postgres
    url: \${env:CRM_DB_URL}
    query: ${JSON.stringify(seeded.config.query)}
    columns: { id: musteri_id, phone: [telefon, cep], name: ad_soyad, vip: vip, ownerName: temsilci, ownerExtension: dahili }
    callLog:
      url: \${env:CRM_WRITE_URL}
      insert: ${JSON.stringify(statement)}${createContact ? `\n      createContact: ${JSON.stringify(createContact)}` : ""}
callLog: { settle: 0${createContact ? ", unknown: create" : ""} }
${CRM_STEPS}`;
}

const env = () => ({
  ACME_TOKEN: TOKEN,
  CRM_DB_URL: seeded.config.url,
  CRM_WRITE_URL: (() => {
    const url = new URL(seeded.config.url);
    url.port = String(proxy.port);
    return url.toString();
  })(),
});

async function hub(extra: NodeJS.ProcessEnv = {}): Promise<HubProcess> {
  const started = await runHub({
    configDir: dir,
    port: 0,
    env: { ...env(), ...extra },
    signals: false,
    log: createLogger("silent"),
  });
  await started.hub.ready; // the hub listens while its tenants load
  cleanup.push(() => started.shutdown());
  return started;
}

/** The routing call Netsantral sends when the call comes in, then its call record (`cdr`) at the end. */
async function call(url: string, id: string, tenant = "acme", caller = CALLER): Promise<void> {
  const fields = { arayan_no: caller, aranan_no: "8503030303", arama_id: id, tus_bilgisi: "-1", token: TOKEN };
  const routed = await fetch(`${url}/t/${tenant}`, { method: "POST", body: new URLSearchParams(fields) });
  expect(routed.status).toBe(200);
}

const cdr = (id: string) => cdrEvent(id, CALLER, "201");

function postEvent(url: string, body: Record<string, unknown>, tenant = "acme"): Promise<Response> {
  return fetch(`${url}/t/${tenant}/events?token=${TOKEN}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function rows(): Promise<Record<string, unknown>[]> {
  return seeded.admin.rows(`SELECT * FROM ${table} ORDER BY arama_id`);
}

/** Waits for `n` rows, then a little longer, so that a wrong extra row has time to show. */
async function settledRows(n: number, ms = 10_000): Promise<Record<string, unknown>[]> {
  const until = Date.now() + ms;
  while ((await rows()).length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 700));
  return rows();
}

const newId = (n: number) => `${Math.floor(Date.now() / 1000)}.${process.pid}${n}`;

describe("the call log on PostgreSQL", () => {
  it("writes a routing call and its end as one row on the recognised contact, though its cdr comes three times", async () => {
    const h = await hub();
    expect(h.hub.errors.map((e) => e.message)).toEqual([
      `${path.join(dir, "tenants", "eksik.yaml")}: callLog: the sql plugin writes no call logs here: its crm.config does not enable them: see the sql plugin's README (sql: crm.config.callLog.insert; salesforce, hubspot: crm.config.callLog)`,
    ]);
    const id = newId(1);
    await call(h.url, id);
    const end = cdr(id); // the same delivery, three times
    const ends = await Promise.all([1, 2, 3].map(() => postEvent(h.url, end)));
    expect(ends.map((r) => r.status)).toEqual([200, 200, 200]);
    const written = await settledRows(1);
    expect(written).toHaveLength(1);
    const card = (await h.hub.follow?.tracker.find("acme", id))?.cardId;
    expect(written[0]).toMatchObject({
      arama_id: card,
      musteri_id: "form-trunk",
      yon: "inbound",
      arayan: "+905441000000",
      sure: 42,
      cevaplandi: true,
      dahili: "201",
      kayit_url: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=abc",
      baslik: "Gelen arama: 0544 100 00 00",
    });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^santral_call_logs_total\{tenant="acme",outcome="written"\} 1$/m);
    const explained = await santralHub(["explain", "acme", "--call", id, "--config", dir], { env: env() });
    expect(explained.stdout).toMatch(new RegExp(`call log → crm \\(sql\\) {2}try 1, sent: record ${card}`));
  });

  it("writes every call once the database is back, after failing while it was down", async () => {
    const h = await hub();
    proxy.down = true;
    const ids = [1, 2, 3, 4, 5].map((n) => newId(10 + n));
    for (const id of ids) {
      await call(h.url, id);
      expect((await postEvent(h.url, cdr(id))).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await rows()).toHaveLength(0);
    const failing = await (await fetch(`${h.url}/metrics`)).text();
    expect(
      Number(/^santral_call_logs_total\{tenant="acme",outcome="retried"\} (\d+)$/m.exec(failing)?.[1]),
    ).toBeGreaterThanOrEqual(5);
    proxy.down = false;
    const written = await settledRows(5);
    expect(written).toHaveLength(5);
    expect(new Set(written.map((r) => r.arama_id)).size).toBe(5);
  });

  it("writes a backlog left by a hub killed with SIGKILL once it starts again, none twice", async () => {
    proxy.down = true;
    const first = await startCli(dir, [], env());
    cleanup.push(() => first.stop("SIGKILL"));
    const ids = [1, 2, 3, 4].map((n) => newId(20 + n));
    for (const id of ids) {
      await call(first.url, id);
      expect((await postEvent(first.url, cdr(id))).status).toBe(200);
    }
    const until = Date.now() + 10_000;
    let queued = 0;
    while (queued < 4 && Date.now() < until) {
      const text = await (await fetch(first.metricsUrl)).text();
      queued = Number(/^santral_outbox_queued\{tenant="acme"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(queued).toBe(4);
    await first.stop("SIGKILL");
    expect(await rows()).toHaveLength(0);

    proxy.down = false;
    const second = await startCli(dir, [], env());
    cleanup.push(() => second.stop());
    const written = await settledRows(4, 15_000);
    expect(written).toHaveLength(4);
    expect(new Set(written.map((r) => r.arama_id)).size).toBe(4);
  }, 60_000);

  it("keeps a call its CRM refuses as dead, for `santral-hub outbox` to list, retry and drop", async () => {
    const h = await hub();
    const id = newId(41);
    await call(h.url, id, "bozuk");
    expect((await postEvent(h.url, cdr(id), "bozuk")).status).toBe(200);
    const config = ["--config", dir];
    const outbox = (...args: string[]) => santralHub(["outbox", ...args, ...config], { env: env() });
    let listed = await outbox("list", "--tenant", "bozuk");
    for (let i = 0; i < 50 && !/1 dead/.test(listed.stdout); i++) {
      await new Promise((r) => setTimeout(r, 100));
      listed = await outbox("list", "--tenant", "bozuk");
    }
    expect(listed.stdout).toMatch(
      /^bozuk {2}0 queued, 0 retrying, 1 dead\n {2}calllog: 0 queued, 0 retrying, 1 dead$/m,
    );
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^santral_outbox_jobs\{tenant="bozuk",kind="calllog",state="dead"\} 1$/m);
    expect(listed.stdout).toMatch(/^calllog:bozuk:[0-9a-f-]+ {2}calllog, 1 tries, dead since /m);
    expect(listed.stdout).toMatch(/callLog\.insert: .*_yok.* does not exist/);
    expect(listed.stdout).not.toContain("905441000000"); // the job's call, with its number, is not printed
    const explained = await santralHub(["explain", "bozuk", "--call", id, ...config], { env: env() });
    expect(explained.stdout).toMatch(/call log → crm \(sql\) {2}try 1, failed: /);

    expect((await outbox("retry", "--tenant", "bozuk")).stdout).toBe("Queued again 1 dead job\n");
    const json = async () => JSON.parse((await outbox("list", "--tenant", "bozuk", "--json")).stdout);
    let again = await json();
    for (let i = 0; i < 50 && again.dead[0]?.attempts !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await json();
    }
    expect(again.tenants).toEqual([
      {
        ...{ tenant: "bozuk", queued: 0, retrying: 0, dead: 1, oldestAgeMs: 0 },
        kinds: { calllog: { queued: 0, retrying: 0, dead: 1 } },
      },
    ]);
    expect((await outbox("drop", "--id", again.dead[0].id)).stdout).toBe("Dropped 1 dead job\n");
    expect((await outbox("list", "--tenant", "bozuk")).stdout).toMatch(/^bozuk {2}0 queued, 0 retrying, 0 dead$/m);
    expect((await outbox("drop")).code).toBe(2);
  }, 60_000);

  it("writes a new caller's calls on one record made for their number, with unknown: create", async () => {
    const h = await hub();
    const stranger = `0532${String(process.pid % 10_000_000).padStart(7, "0")}`;
    for (const n of [51, 52]) {
      const id = newId(n);
      await call(h.url, id, "yeni", stranger);
      expect((await postEvent(h.url, { ...cdrEvent(id, stranger, "201"), sure: 0, yon: 2 }, "yeni")).status).toBe(200);
      await settledRows(n - 50);
    }
    const made = await seeded.admin.rows(
      `SELECT musteri_id, telefon FROM ${seeded.tables.contacts} WHERE musteri_id LIKE 'yeni-%'`,
    );
    expect(made).toEqual([{ musteri_id: `yeni-+90${stranger.slice(1)}`, telefon: stranger.slice(1) }]);
    const written = await rows();
    expect(written).toHaveLength(2);
    expect(written.map((r) => r.musteri_id)).toEqual([made[0]?.musteri_id, made[0]?.musteri_id]);
    expect(written.map((r) => r.cevaplandi)).toEqual([false, false]);
    await seeded.admin.exec(`DELETE FROM ${seeded.tables.contacts} WHERE musteri_id LIKE 'yeni-%'`);
  });

  it("gives one row when two hub nodes on one Redis take the same end at once", async () => {
    const redis = { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
    const [a, b] = [await hub(redis), await hub(redis)];
    const id = newId(31);
    await call(a.url, id);
    const end = cdr(id);
    const ends = await Promise.all([a, b, a, b].map((node) => postEvent(node.url, end)));
    expect(ends.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const written = await settledRows(1);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ musteri_id: "form-trunk", sure: 42 });
  });
});

describe("a tenant whose plugin cannot write calls", () => {
  it("is refused when its file loads, saying why and what to do instead", async () => {
    const config = followConfig({ demo: "callLog: {}" });
    try {
      const h = await startFollowingHub(config.dir);
      await h.shutdown();
      expect(h.hub.errors.map((e) => e.message)).toEqual([
        `${path.join(config.dir, "tenants", "demo.yaml")}: callLog: the csv plugin writes no call logs here: it cannot write to its CRM: remove callLog and take the calls from a notify webhook instead`,
      ]);
    } finally {
      config.remove();
    }
  });
});

interface Proxy {
  port: number;
  /** While down, every connection is cut at once, and new ones are refused. */
  down: boolean;
  close(): Promise<void>;
}

/** A TCP proxy to the database: cutting it is the database going away for the plugin's write connection. */
async function startProxy(targetPort: string): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const state = { down: false };
  const server: Server = createServer((client) => {
    if (state.down) return void client.destroy();
    const upstream = connect(Number(targetPort), "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
