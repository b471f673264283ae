import { rm } from "node:fs/promises";
import { Writable } from "node:stream";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";
import { type RedisCluster, type RedisServer, startCluster } from "./helpers/redis-servers.js";

// A real three-master Redis Cluster started by the test. The node holding a tenant's slot hangs, comes
// back, then dies: that tenant's callers must still be answered from its CSV at normal speed, never the
// fallback, and /readyz and the log must say Redis is down (once).

const TOKEN = "redis-cluster-tenant-token";
// hub.yaml's `cache.commandTimeout`: longer than its default (100 ms), so that the bounds below stand well
// clear of a busy CI machine's jitter while a call that waits on Redis still cannot pass them
const COMMAND_TIMEOUT = 250;
const VIP = { status: "success", result: "extensions", redirect: "101" };

let cluster: RedisCluster;
let owner: RedisServer;
let dir: string;
let hub: HubProcess;
let log = "";
const lines = (text: string) => log.split("\n").filter((line) => line.includes(text));

async function timedCall(): Promise<{ ms: number; body: unknown }> {
  const started = performance.now();
  const res = await sendCall(`${hub.url}/t/shop`, "json", { arayan_no: "05101234567", token: TOKEN });
  return { ms: performance.now() - started, body: await res.json() };
}

async function readyz() {
  const res = await fetch(`${hub.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { reason?: string; cache: Record<string, unknown> } };
}

/** Ten calls one after the other: each routed from the CSV; the first finds out, the others skip Redis. */
async function callsWhileDown(): Promise<void> {
  const calls = [];
  for (let i = 0; i < 10; i++) calls.push(await timedCall());
  for (const call of calls) expect(call.body).toMatchObject(VIP);
  const times = calls.map((c) => Math.round(c.ms));
  expect(Math.max(...times), `calls: ${times.join(", ")} ms`).toBeLessThan(4 * COMMAND_TIMEOUT);
  for (const ms of times.slice(1)) expect(ms, `calls: ${times.join(", ")} ms`).toBeLessThan(COMMAND_TIMEOUT);
}

beforeAll(async () => {
  cluster = await startCluster();
  owner = await cluster.nodeFor("shop"); // the tenant's keys are `sh:{shop}:…`: one slot
  dir = await tempConfig(
    `cache: { backend: redis, cluster: { nodes: ${JSON.stringify(cluster.seeds)} }, commandTimeout: ${COMMAND_TIMEOUT} }\n`,
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
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a Redis Cluster whose node holding a tenant's slot goes down", () => {
  it("answers that tenant's callers from the CSV at normal speed while the node hangs, and recovers", async () => {
    expect((await timedCall()).body).toMatchObject(VIP);
    expect((await readyz()).body.cache).toMatchObject({ backend: "redis", healthy: true, redis: "up" });

    owner.pause();
    await callsWhileDown();
    const down = await readyz();
    expect(down).toMatchObject({ status: 503, body: { status: "unready", reason: "redis is not reachable" } });
    expect(down.body.cache).toMatchObject({ healthy: false, redis: "down" });
    expect(lines("redis: not answering")).toHaveLength(1);

    owner.resume();
    await eventually(async () => ((await readyz()).body.cache.healthy ? true : undefined), "Redis to answer again");
    expect(lines("redis: answering again")).toHaveLength(1);
    expect((await timedCall()).body).toMatchObject(VIP);
  });

  it("answers them at normal speed when the node dies, and says so once more", async () => {
    await owner.stop();
    await callsWhileDown();
    expect((await readyz()).body.cache).toMatchObject({ healthy: false, redis: "down" });
    expect(lines("redis: not answering")).toHaveLength(2);
  });
});
