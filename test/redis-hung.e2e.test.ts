import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";
import { type RedisServer, startRedis } from "./helpers/redis-servers.js";

// A Redis that hangs (SIGSTOP: its sockets stay open, nothing answers), on a redis-server of the test's own.
// Today every call pays the command time-outs of each Redis command it sends and nobody is told; a caller
// must be answered from the CRM at its normal speed, /readyz and the log must say Redis is down, once.

const TOKEN = "redis-hung-tenant-token";
// hub.yaml's `cache.commandTimeout`: longer than its default (100 ms), so that the bounds below stand well
// clear of a busy CI machine's jitter while a call that waits on Redis still cannot pass them
const COMMAND_TIMEOUT = 250;
// The demo CSV's VIP: routed to their representative's extension. The fallback would be `result: e`.
const VIP = { status: "success", result: "extensions", redirect: "101" };

let tmp: string;
let redis: RedisServer;
let dir: string;
let hub: HubProcess;
let log = "";
const lines = (text: string) => log.split("\n").filter((line) => line.includes(text));

async function timedCall(): Promise<{ ms: number; body: unknown }> {
  const started = performance.now();
  const res = await sendCall(`${hub.url}/t/shop`, "json", { arayan_no: "05101234567", token: TOKEN });
  return { ms: performance.now() - started, body: await res.json() };
}

const readyz = async () => {
  const res = await fetch(`${hub.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { cache: Record<string, unknown> } };
};

/** The gauge's sample line, as /metrics serves it (read from the registry: where /metrics listens is hub.yaml's). */
async function redisUpMetric(): Promise<string | undefined> {
  const text = await hub.hub.metrics.registry.getSingleMetricAsString("santral_redis_up");
  return text.split("\n").find((line) => line.startsWith("santral_redis_up "));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "santral-redis-hung-"));
  redis = await startRedis(tmp);
  dir = await tempConfig(
    `cache: { backend: redis, url: "redis://127.0.0.1:${redis.port}", commandTimeout: ${COMMAND_TIMEOUT} }\n`,
    {
      shop: await demoTenant("shop", TOKEN),
    },
  );
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log += chunk;
      done();
    },
  });
  hub = await runHub({
    configDir: dir,
    port: 0,
    env: {},
    signals: false,
    log: createLogger("info", { pretty: true, stream }),
  });
  await hub.hub.ready; // the hub listens while its tenants load
});

afterAll(async () => {
  await hub?.shutdown();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(tmp, { recursive: true, force: true });
});

describe("a standalone Redis that stops answering", () => {
  it("answers callers from the CSV at normal speed, says Redis is down in /readyz and the log once, and recovers", async () => {
    expect((await timedCall()).body).toMatchObject(VIP);
    expect((await readyz()).body.cache).toMatchObject({ backend: "redis", healthy: true });

    redis.pause();
    const calls = [];
    for (let i = 0; i < 12; i++) calls.push(await timedCall());
    // every caller is routed from the CSV, none gets the fallback
    for (const call of calls) expect(call.body).toMatchObject(VIP);
    // the first call finds out (three command time-outs: the read, the lock, the write); the next ones do
    // not ask Redis at all, and take less than one command time-out
    const times = calls.map((c) => Math.round(c.ms));
    expect(Math.max(...times), `calls: ${times.join(", ")} ms`).toBeLessThan(4 * COMMAND_TIMEOUT);
    for (const ms of times.slice(1)) expect(ms, `calls: ${times.join(", ")} ms`).toBeLessThan(COMMAND_TIMEOUT);

    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "unready", reason: "redis is not reachable" });
    expect(down.body.cache).toMatchObject({ backend: "redis", healthy: false, redis: "down" });
    expect(lines("redis: not answering")).toHaveLength(1);
    expect(await redisUpMetric()).toBe("santral_redis_up 0");
    // a plugin's rate limit (HubSpot's, Salesforce's) is counted per process meanwhile, without waiting
    expect(hub.hub.limiters.healthy()).toBe(false);
    const limiter = hub.hub.limiters.get("crm-account", 5);
    const asked = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(new AbortController().signal)));
    expect(performance.now() - asked).toBeLessThan(COMMAND_TIMEOUT);

    redis.resume();
    const up = await eventually(async () => {
      const now = await readyz();
      return now.body.cache.healthy === true ? now : undefined;
    }, "/readyz to say Redis answers again");
    expect(up).toEqual({ status: 200, body: expect.objectContaining({ status: "ready" }) });
    expect(up.body.cache).toMatchObject({ backend: "redis", healthy: true, redis: "up" });
    expect(lines("redis: answering again")).toHaveLength(1);
    expect(lines("redis: not answering")).toHaveLength(1);
    expect(await redisUpMetric()).toBe("santral_redis_up 1");
    expect(hub.hub.limiters.healthy()).toBe(true);
    expect((await timedCall()).body).toMatchObject(VIP);
  });
});
