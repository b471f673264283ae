import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, type RunningHub, sendCall, startHub } from "./helpers/hub.js";

const PLUGIN = path.join(REPO, "test/fixtures/slow-plugin.ts");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = `${process.pid}x${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tenant whose CRM answers in `delayMs`, with a 200 ms deadline and a background limit of `limit`. */
const tenant = (id: string, delayMs: number, limit: string) => `
id: ${id}
token: slow-token-1
results: { "1": known, "2": unknown, e: the CRM could not tell }
crm: { adapter: ${PLUGIN}, config: { delayMs: ${delayMs} } }
deadline: 200ms
cache: { ttl: 10m, notFoundTtl: 1m, staleFor: 1h, lookupLimit: ${limit} }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, sorgu {{ contact.fields.n }}." }
      - reply: { result: "2" }
    fallback: { result: e }
`;

async function configDir(hubYaml: string, tenants: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "santral-deadline-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "hub.yaml"), hubYaml);
  for (const [id, text] of Object.entries(tenants)) await writeFile(path.join(dir, "tenants", `${id}.yaml`), text);
  return dir;
}

async function timedCall(hub: RunningHub, id: string, caller: string) {
  const started = performance.now();
  const res = await sendCall(`${hub.url}/t/${id}`, "json", { arayan_no: caller, token: "slow-token-1" });
  return { ms: performance.now() - started, body: await res.json() };
}

for (const backend of ["memory", "redis"] as const) {
  describe(`a CRM slower than the deadline (${backend} cache)`, () => {
    const warm = `warm${backend}${run}`;
    const cut = `cut${backend}${run}`;
    let hub: RunningHub;
    let dir: string;
    beforeAll(async () => {
      const hubYaml = backend === "redis" ? `cache: { backend: redis, url: "${REDIS_URL}" }\n` : "";
      dir = await configDir(hubYaml, { [warm]: tenant(warm, 400, "5s"), [cut]: tenant(cut, 800, "300ms") });
      hub = await startHub({ configDir: dir });
      expect(hub.hub.errors.map((e) => e.message)).toEqual([]);
      if (backend === "redis") expect(hub.hub.cache.store.healthy()).toBe(true);
    });
    afterAll(async () => {
      await hub.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("answers the fallback in time, then the next call from the warmed cache", async () => {
      const first = await timedCall(hub, warm, "05441000000");
      expect(first.body).toEqual({ status: "success", result: "e" });
      expect(first.ms).toBeLessThan(200 + 150);
      await sleep(400); // the lookup finishes in the background and fills the cache
      const second = await timedCall(hub, warm, "05441000000");
      expect(second.body).toEqual({ status: "success", result: "1", data: "Sayın A** Y**, sorgu 1." });
      expect(second.ms).toBeLessThan(200);
    });

    it("aborts a lookup past the hard limit and caches nothing of it", async () => {
      expect((await timedCall(hub, cut, "05321112233")).body).toEqual({ status: "success", result: "e" });
      await sleep(900); // had it not been aborted at 300 ms, the lookup would have answered at 800 ms
      expect((await timedCall(hub, cut, "05321112233")).body).toEqual({ status: "success", result: "e" });
    });
  });
}

describe("the Redis cache through the real server", () => {
  it("stores the answer under the tenant, the adapter config's hash and the number, and purges it", async () => {
    const id = `keys${run}`;
    const dir = await configDir(`cache: { backend: redis, url: "${REDIS_URL}" }\n`, { [id]: tenant(id, 0, "5s") });
    const hub = await startHub({ configDir: dir });
    const redis = new Redis(REDIS_URL);
    try {
      expect((await timedCall(hub, id, "05441000000")).body).toMatchObject({
        result: "1",
        data: "Sayın A** Y**, sorgu 1.",
      });
      expect((await timedCall(hub, id, "0544 100 00 00")).body).toMatchObject({ data: "Sayın A** Y**, sorgu 1." });
      const keys = await redis.keys(`sh:{${id}}:*`);
      expect(keys).toEqual([expect.stringMatching(new RegExp(`^sh:\\{${id}\\}:[\\w-]{12}:p:\\+905441000000$`))]);
      expect(await hub.hub.purge(id, "+90 544 100 00 01")).toBe(0);
      expect(await hub.hub.purge(id, "0544 100 00 00")).toBe(1);
      expect((await timedCall(hub, id, "05441000000")).body).toMatchObject({ data: "Sayın A** Y**, sorgu 2." });
    } finally {
      redis.disconnect();
      await hub.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
