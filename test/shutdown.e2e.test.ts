import { rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { createLogger, runHub } from "@santral-hub/core";
import { afterAll, describe, expect, it } from "vitest";
import { demoTenant, type StartedHub, startCli, tempConfig } from "./helpers/cli.js";
import { REPO, sendCall } from "./helpers/hub.js";

// `santral-hub start` stopped with SIGTERM while a call waits on a slow CRM: the call gets its answer, then
// the process exits 0. Spawned, since signals and exit codes are the point.

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const TENANT = `
id: slow
token: shutdown-token
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${SLOW}, config: { delayMs: 1500 } }
deadline: 5s
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, sorgu {{ contact.fields.n }}." }
    fallback: { result: e }
`;

let dir: string;
let hub: StartedHub | undefined;
afterAll(async () => {
  await hub?.stop("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

describe("graceful shutdown", { timeout: 60_000 }, () => {
  it("answers the call in flight after SIGTERM, refuses new connections, then exits 0", async () => {
    dir = await tempConfig("shutdown: { grace: 10000 }\n", { slow: TENANT });
    const started = await startCli(dir);
    hub = started;
    const sent = Date.now();
    const inFlight = sendCall(`${started.url}/t/slow`, "json", { arayan_no: "05441000000", token: "shutdown-token" });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the CRM takes 1500 ms to answer it
    started.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow(); // no longer accepting

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toEqual({ status: "success", result: "1", data: "Sayın A** Y**, sorgu 1." });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1400);
    expect(await started.exited).toBe(0);
    const log = started.output();
    expect(log).toMatch(/"reason":"SIGTERM","inFlight":1,"msg":"shutting down: finishing the calls in flight"/);
    expect(log).toContain('"msg":"santral-hub stopped"');
    expect(log).not.toContain("calls cut short");
  });
});

// In process (runHub), where a load loop and the shutdown can be timed against each other.
describe("shutdown under load", { timeout: 30_000 }, () => {
  const TOKEN = "drain-token-0001";
  /** Starts a hub on `hubYaml`, with its log lines gathered. */
  async function start(hubYaml: string) {
    const dir = await tempConfig(`listen: { host: 127.0.0.1 }\n${hubYaml}`, { shop: await demoTenant("shop", TOKEN) });
    let logged = "";
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk;
        done();
      },
    });
    const log = createLogger("info", { pretty: true, stream });
    const running = await runHub({ configDir: dir, port: 0, env: {}, signals: false, log });
    await running.hub.ready; // the hub listens while its tenants load
    return { running, dir, logged: () => logged };
  }

  it("answers every request sent on a kept-alive connection while it stops, resetting none", async () => {
    const outcomes = { answered: 0, refused: 0, reset: [] as string[] };
    for (let round = 0; round < 4; round++) {
      const { running, dir } = await start("shutdown: { grace: 5000 }\n");
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      /** One call; a failure on a reused (kept-alive) connection is a reset, on a new one a refusal. */
      const one = () =>
        new Promise<void>((resolve) => {
          const req = request(`${running.url}/t/shop`, { method: "POST", agent });
          req.setHeader("Content-Type", "application/json");
          req.on("response", (res) => {
            res.resume();
            res.on("end", () => {
              outcomes.answered++;
              resolve();
            });
          });
          req.on("error", (error: NodeJS.ErrnoException) => {
            // a new connection refused (or reset in the listen backlog) is the stop working: the load
            // balancer sends that call to another node; a request on a kept-alive one was the hub's to answer
            if (req.reusedSocket) outcomes.reset.push(`${error.code}: ${error.message}`);
            else outcomes.refused++;
            setTimeout(resolve, 5);
          });
          req.end(JSON.stringify({ arayan_no: "05101234567", token: TOKEN }));
        });
      let stopped = false;
      const worker = async () => {
        while (!stopped) await one();
      };
      const workers = Array.from({ length: 8 }, worker);
      await new Promise((resolve) => setTimeout(resolve, 400)); // a few hundred calls a second by then
      await running.shutdown();
      await new Promise((resolve) => setTimeout(resolve, 50));
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      await rm(dir, { recursive: true, force: true });
    }
    expect(outcomes.answered).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.reset).toEqual([]);
  });

  it("closes a slow upload at once rather than waiting out the grace period for it", async () => {
    const { running, dir, logged } = await start("shutdown: { grace: 4000 }\n");
    try {
      const socket = connect(Number(new URL(running.url).port), "127.0.0.1");
      socket.on("error", () => {});
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      socket.write(
        "POST /t/shop HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{",
      );
      const trickle = setInterval(() => socket.writable && socket.write(" "), 100);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await running.shutdown();
      clearInterval(trickle);
      expect(Date.now() - started).toBeLessThan(2000); // 1 s for its body to arrive, not the 4 s of grace
      expect(socket.destroyed || socket.readableEnded).toBe(true);
      expect(logged()).toContain("slow uploads closed at shutdown");
      expect(logged()).not.toContain("calls cut short");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
