import { rm } from "node:fs/promises";
import path from "node:path";
import { createLogger, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, freePort, tempConfig } from "./helpers/cli.js";
import { REPO, type RunningHub, sendCall, startHub } from "./helpers/hub.js";

// /metrics scraped after a few calls of each kind (on the call port, behind its token, as hub.yaml may ask),
// where it is served by default (a loopback port of its own), the per-tenant rate limit, /healthz and /readyz.
// The real server in this process (a CLI process costs a second or two; cli-ops.e2e.test.ts spawns those).

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const TOKEN = "metrics-test-tenant";
const METRICS_TOKEN = "scrape-me-0123456789";
const AUTH = { Authorization: `Bearer ${METRICS_TOKEN}` };
const late = `
id: late
token: ${TOKEN}
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${SLOW}, config: { delayMs: 300 } }
deadline: 50ms
cache: { lookupLimit: 100ms } # the lookup goes on past the deadline, and is aborted at 100 ms
steps:
  welcome:
    rules:
      - reply: { result: "1" }
    fallback: { result: e }
`;

let dir: string;
let hub: RunningHub;
const call = (id: string, fields: Record<string, string>) =>
  sendCall(`${hub.url}/t/${id}`, "json", { token: TOKEN, ...fields });

beforeAll(async () => {
  dir = await tempConfig(`metrics: { port: call, token: ${METRICS_TOKEN} }\nrateLimit: { perSecond: 100 }\n`, {
    shop: await demoTenant("shop", TOKEN),
    looping: `${await demoTenant("looping", TOKEN)}\nrateLimit: { perSecond: 0.5, burst: 2 }\n`,
    late,
  });
  hub = await startHub({ configDir: dir });
  expect(hub.hub.errors).toEqual([]);
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

/** The value of one series in Prometheus text, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("counts calls by tenant, step and outcome; cache answers; refusals; deadline fallbacks; CRM lookups", async () => {
    for (const fields of [{ arayan_no: "05101234567" }, { arayan_no: "05101234567" }, { arayan_no: "05999999999" }]) {
      expect((await call("shop", fields)).status).toBe(200);
    }
    expect((await call("shop", { arayan_no: "" })).status).toBe(200); // withheld: nothing to look up
    expect((await call("shop", { arayan_no: "05101234567", token: "wrong-token" })).status).toBe(401);
    expect((await call("nobody", { arayan_no: "05101234567" })).status).toBe(404);
    expect(await (await call("late", { arayan_no: "05441000000" })).json()).toEqual({ status: "success", result: "e" });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the late lookup is aborted in the background

    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${hub.url}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const res = await fetch(`${hub.url}/metrics`, { headers: AUTH });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(value(text, 'santral_calls_total{tenant="shop",step="welcome",outcome="known"}')).toBe(2);
    expect(value(text, 'santral_calls_total{tenant="shop",step="welcome",outcome="unknown"}')).toBe(1);
    expect(value(text, 'santral_calls_total{tenant="shop",step="welcome",outcome="none"}')).toBe(1);
    expect(value(text, 'santral_calls_total{tenant="late",step="welcome",outcome="failed"}')).toBe(1);
    expect(value(text, 'santral_cache_total{tenant="shop",outcome="miss"}')).toBe(2);
    expect(value(text, 'santral_cache_total{tenant="shop",outcome="hit"}')).toBe(1);
    expect(value(text, 'santral_deadline_fallbacks_total{tenant="late"}')).toBe(1);
    expect(value(text, 'santral_requests_refused_total{code="bad_token"}')).toBe(1);
    expect(value(text, 'santral_requests_refused_total{code="unknown_tenant"}')).toBe(1);
    expect(value(text, 'santral_answer_duration_seconds_count{tenant="shop"}')).toBe(4);
    expect(value(text, 'santral_answer_duration_seconds_bucket{le="+Inf",tenant="shop"}')).toBe(4);
    expect(value(text, 'santral_crm_lookup_duration_seconds_count{adapter="csv"}')).toBe(2);
    expect(value(text, 'santral_crm_lookup_duration_seconds_count{adapter="slow"}')).toBe(1);
    expect(value(text, 'santral_crm_errors_total{adapter="slow",kind="timeout"}')).toBe(1);
    expect(value(text, 'santral_tenant_state{tenant="shop",state="live"}')).toBe(1);
    expect(value(text, "santral_config_last_reload_timestamp_seconds")).toBeGreaterThan(Date.now() / 1000 - 600);
  });
});

describe("the per-tenant rate limit", () => {
  it("answers the step's fallback (200) past a tenant's burst, and leaves the other tenants alone", async () => {
    const replies: Record<string, string>[] = [];
    for (let i = 0; i < 4; i++)
      replies.push((await (await call("looping", { arayan_no: "05101234567" })).json()) as Record<string, string>);
    expect(replies.map((r) => r.result)).toEqual(["extensions", "extensions", "e", "e"]);
    expect(replies[3]).toEqual({ status: "success", result: "e" });
    expect(await (await call("shop", { arayan_no: "05101234567" })).json()).toMatchObject({ result: "extensions" });
    const text = await hub.hub.metrics.registry.metrics();
    expect(value(text, 'santral_rate_limited_total{tenant="looping"}')).toBe(2);
    expect(value(text, 'santral_calls_total{tenant="looping",step="welcome",outcome="throttled"}')).toBe(2);
    expect(value(text, 'santral_requests_refused_total{code="rate_limited"}')).toBeUndefined();
  });
});

describe("/healthz, /readyz, and /metrics on a port of its own", () => {
  it("answers health on the call port and metrics, with Node's own, on the metrics port", async () => {
    const port = await freePort();
    const own = await tempConfig(`listen: { host: 127.0.0.1 }\nmetrics: { port: ${port} }\n`, {
      shop: await demoTenant("shop", TOKEN),
    });
    const running = await runHub({ configDir: own, port: 0, env: {}, signals: false, log: createLogger("silent") });
    await running.hub.ready; // the hub listens while its tenants load
    try {
      expect(running.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
      const health = await fetch(`${running.url}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        tenants: 1,
        broken: 0,
        loading: 0,
        reloaded: expect.stringMatching(/^20\d\d-/),
        cache: { backend: "memory", healthy: true },
      });
      expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
      const text = await (await fetch(running.metricsUrl ?? "")).text();
      expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
      expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await running.shutdown();
      await rm(own, { recursive: true, force: true });
    }
  });

  it("serves /metrics by default on a loopback port of its own, not on the call port", async () => {
    const own = await tempConfig("listen: { host: 0.0.0.0 }\n", { shop: await demoTenant("shop", TOKEN) });
    const running = await runHub({ configDir: own, port: 0, env: {}, signals: false, log: createLogger("silent") });
    await running.hub.ready; // the hub listens while its tenants load
    try {
      expect(running.hub.config.metrics).toMatchObject({ port: 0, host: "127.0.0.1" }); // 9464 unless port: 0
      expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const text = await (await fetch(running.metricsUrl ?? "")).text();
      expect(text).toContain('santral_tenant_state{tenant="shop",state="live"} 1');
      const onCallPort = await fetch(`${running.url}/metrics`);
      expect([onCallPort.status, await onCallPort.text()]).toEqual([404, "Not Found"]);
    } finally {
      await running.shutdown();
      await rm(own, { recursive: true, force: true });
    }
  });

  it("says which setting to change when the metrics port is taken", async () => {
    const port = await freePort();
    const busy = await runHub({
      configDir: dir,
      port: 0,
      metricsPort: port,
      env: {},
      signals: false,
      log: createLogger("silent"),
    });
    await busy.hub.ready; // the hub listens while its tenants load
    try {
      const own = await tempConfig(`metrics: { port: ${port} }\n`, { shop: await demoTenant("shop", TOKEN) });
      const second = runHub({ configDir: own, port: 0, env: {}, signals: false, log: createLogger("silent") });
      await expect(second).rejects.toThrow(
        `127.0.0.1:${port} is in use by another process: change hub.yaml's metrics.port (or METRICS_PORT).`,
      );
      await rm(own, { recursive: true, force: true });
    } finally {
      await busy.shutdown();
    }
  });

  it("is not ready while Redis, where configured, does not answer", async () => {
    const down = await tempConfig(
      `listen: { host: 127.0.0.1 }\ncache: { backend: redis, url: "redis://127.0.0.1:${await freePort()}" }\n`,
      { shop: await demoTenant("shop", TOKEN) },
    );
    const running = await runHub({ configDir: down, port: 0, env: {}, signals: false, log: createLogger("silent") });
    await running.hub.ready; // the hub listens while its tenants load
    try {
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: "unready",
        reason: "redis is not reachable",
        cache: { backend: "redis", healthy: false },
      });
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      // the calls are answered all the same, from the CRM
      const res = await sendCall(`${running.url}/t/shop`, "json", { arayan_no: "05101234567", token: TOKEN });
      expect(await res.json()).toMatchObject({ status: "success", redirect: "101" });
    } finally {
      await running.shutdown();
      await rm(down, { recursive: true, force: true });
    }
  });
});
