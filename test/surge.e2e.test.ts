import { rm } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createApp, Hub, type HubLogger, loadHubConfig } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempConfig } from "./helpers/cli.js";
import { REPO, sendCall } from "./helpers/hub.js";

// A surge of calls over the rate limit, a CRM answering far too many records, and what the call's log line
// says of a lookup that failed: the real server on loopback, its log lines captured.

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const MANY = path.join(REPO, "test/fixtures/many-plugin.ts");
const HANG = path.join(REPO, "bench/plugins/hang.ts");
const TOKEN = "surge-test-token-1";
// core's own pino (not a dependency of the root package), to read the hub's JSON lines as they are written
const { pino } = createRequire(path.join(REPO, "packages/core/package.json"))("pino") as {
  pino: (options: object, stream: { write(line: string): void }) => HubLogger;
};

const tenant = (id: string, crm: string, extra = "") => `
id: ${id}
token: ${TOKEN}
results: { "1": known, "2": unknown, e: the CRM could not tell }
crm: ${crm}
${extra}
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: extensions, redirect: "101" }
      - reply: { result: "2" }
    fallback: { result: e, say: "Hoş geldiniz." }
`;

let dir: string;
let hub: Hub;
let url: string;
let close = async () => {};
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = await tempConfig("", {
    busy: tenant("busy", `{ adapter: ${SLOW}, config: { delayMs: 0 } }`),
    tight: tenant("tight", `{ adapter: ${SLOW}, config: { delayMs: 0 } }`, "rateLimit: { perSecond: 20, burst: 40 }"),
    many: tenant("many", `{ adapter: ${MANY}, config: { records: 20000 } }`),
    failing: tenant("failing", `{ adapter: ${MANY}, config: { records: 0, failAfterMs: 250 } }`),
    late: tenant("late", `{ adapter: ${HANG}, config: {} }`, "deadline: 200ms\ncache: { lookupLimit: 1s }"),
  });
  const config = await loadHubConfig(dir, {});
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  hub = await Hub.start({ config, log, resolveFrom: [REPO], env: {} });
  expect(hub.errors.map((e) => e.message)).toEqual([]);
  const server = createApp(hub).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  };
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

/** The value of one series of the hub's metrics, 0 when it has none yet. */
async function metric(series: string): Promise<number> {
  const text = await hub.metrics.registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
const crmLookups = (adapter: string) => metric(`santral_crm_lookup_duration_seconds_count{adapter="${adapter}"}`);

/** 100 calls of distinct callers, all sent at once (well within one second). */
async function surge(id: string, first: number) {
  const replies = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const res = await sendCall(`${url}/t/${id}`, "json", { arayan_no: `0544${first + i}`, token: TOKEN });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    }),
  );
  return {
    non200: replies.filter((r) => r.status !== 200).length,
    fallback: replies.filter((r) => r.body.result === "e").length,
    routed: replies.filter((r) => r.body.result === "extensions").length,
    replies,
  };
}

describe("a surge of calls", () => {
  it("at the default rate limit, routes all of 100 calls in one second through the CRM", async () => {
    const before = await crmLookups("slow");
    const { non200, routed } = await surge("busy", 1000000);
    expect({ non200, routed }).toEqual({ non200: 0, routed: 100 });
    expect((await crmLookups("slow")) - before).toBe(100);
    expect(await metric('santral_rate_limited_total{tenant="busy"}')).toBe(0);
  });

  it("past a tenant's limit, answers the fallback (200) without asking the CRM, counts and logs it", async () => {
    const before = await crmLookups("slow");
    const { non200, fallback, routed, replies } = await surge("tight", 2000000);
    expect(non200).toBe(0);
    expect(fallback).toBeGreaterThanOrEqual(50); // a burst of 40, and a few more refilled meanwhile
    expect(fallback + routed).toBe(100);
    expect(replies.find((r) => r.body.result === "e")?.body).toEqual({
      status: "success",
      result: "e",
      data: "Hoş geldiniz.",
    });
    expect((await crmLookups("slow")) - before).toBe(routed); // the CRM never heard of the throttled calls
    expect(await metric('santral_rate_limited_total{tenant="tight"}')).toBe(fallback);
    expect(await metric('santral_calls_total{tenant="tight",step="welcome",outcome="throttled"}')).toBe(fallback);
    expect(await metric('santral_requests_refused_total{code="rate_limited"}')).toBe(0);
    const throttled = lines.filter((l) => l.msg === "call" && l.tenant === "tight" && l.outcome === "throttled");
    expect(throttled).toHaveLength(fallback);
    expect(throttled[0]).toMatchObject({ result: "e", rule: "fallback" });
    expect(throttled[0]).not.toHaveProperty("crmMs");
    expect(throttled[0]).not.toHaveProperty("cache");
  });
});

describe("a CRM answering 20,000 records for one number", () => {
  it("is read as its first 10, and the log says the plugin returned too many", async () => {
    const res = await sendCall(`${url}/t/many`, "json", { arayan_no: "05441234567", token: TOKEN });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "success" });
    const warning = lines.find((l) => l.code === "too_many_records");
    expect(warning).toMatchObject({ level: 40, tenant: "many", returned: 20000, kept: 10 });
    expect(JSON.stringify(warning)).not.toMatch(/5441234567|Ahmet|Yılmaz/);
  });
});

describe("the call's log line", () => {
  const lineOf = (id: string) => lines.filter((l) => l.msg === "call" && l.tenant === id).at(-1);

  it("gives the time a lookup took to fail, not 0", async () => {
    const res = await sendCall(`${url}/t/failing`, "json", { arayan_no: "05441234567", token: TOKEN });
    expect(await res.json()).toMatchObject({ result: "e" });
    expect(lineOf("failing")).toMatchObject({ outcome: "failed", crmError: "unavailable" });
    expect(lineOf("failing")?.crmMs).toBeGreaterThanOrEqual(240);
  });

  it("gives the time waited for a CRM that missed the deadline, not 0", async () => {
    const res = await sendCall(`${url}/t/late`, "json", { arayan_no: "05441234567", token: TOKEN });
    expect(await res.json()).toMatchObject({ result: "e" });
    expect(lineOf("late")).toMatchObject({ outcome: "failed", crmError: "timeout" });
    expect(lineOf("late")?.crmMs).toBeGreaterThanOrEqual(190);
  });
});

describe("the deadline", () => {
  it("counts from the request's arrival: a body that took 300 ms leaves the CRM only the rest of 200 ms", async () => {
    const body = JSON.stringify({ arayan_no: "05447654321", token: TOKEN });
    const started = performance.now();
    const reply = await new Promise<{ ms: number; text: string }>((resolve, reject) => {
      const req = request(`${url}/t/late`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      req.on("error", reject);
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ ms: performance.now() - started, text }));
      });
      req.write(body.slice(0, 10)); // the headers and a first part; the rest 300 ms later
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    expect(JSON.parse(reply.text)).toEqual({ status: "success", result: "e", data: "Hoş geldiniz." });
    expect(reply.ms).toBeLessThan(300 + 150); // counted from when the body was read, it was 500 ms or more
  });
});
