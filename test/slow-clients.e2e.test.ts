import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";

// Slow clients over real sockets on loopback: trickled headers and bodies are closed within hub.yaml's
// connections time-outs while good calls go on being answered, a connection past connections.max is refused
// at once, and a flood of refusals writes a line per kind, not a line per request.

const TOKEN = "slow-clients-token";
const HEADERS_MS = 600;
const REQUEST_MS = 1200;
const SLOW = 600; // trickling sockets at once: 300 sending headers, 300 a body

let dir: string;
let hub: HubProcess;
let logged = "";
const stream = new Writable({
  write(chunk, _encoding, done) {
    logged += chunk;
    done();
  },
});

beforeAll(async () => {
  const yaml = `listen: { host: 127.0.0.1 }
connections: { max: 5000, headersTimeout: ${HEADERS_MS}, requestTimeout: ${REQUEST_MS}, keepAliveTimeout: 1000 }
`;
  dir = await tempConfig(yaml, { shop: await demoTenant("shop", TOKEN) });
  const log = createLogger("info", { pretty: true, stream });
  hub = await runHub({ configDir: dir, port: 0, env: {}, signals: false, log });
  await hub.hub.ready; // the hub listens while its tenants load
});
afterAll(async () => {
  await hub?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const openFiles = () => readdirSync("/proc/self/fd").length;
const goodCall = async () => {
  const res = await sendCall(`${hub.url}/t/shop`, "json", { arayan_no: "05101234567", token: TOKEN });
  return [res.status, ((await res.json()) as { redirect?: string }).redirect];
};

interface Slow {
  socket: Socket;
  opened: number;
  closed?: number;
  answer: string;
}

/** Opens `n` sockets to `url`, in batches (the listen backlog is finite), each sending `start`, then nothing. */
async function openSlow(url: string, n: number, start: (i: number) => string): Promise<Slow[]> {
  const port = Number(new URL(url).port);
  const all: Slow[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, (_, j) => {
      const socket = connect(port, "127.0.0.1");
      const slow: Slow = { socket, opened: performance.now(), answer: "" };
      socket.setEncoding("latin1");
      socket.on("data", (d: string) => {
        slow.answer += d;
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        slow.closed = performance.now();
      });
      all.push(slow);
      return new Promise<void>((resolve) =>
        socket.once("connect", () => {
          slow.opened = performance.now(); // not before: a connect queued in the backlog is not held by the hub
          socket.write(start(i + j), () => resolve());
        }),
      );
    });
    await Promise.all(batch);
  }
  return all;
}

describe("slow clients", () => {
  it("closes trickled headers and bodies within the time-outs while good calls are answered", async () => {
    const before = openFiles();
    const slow = await openSlow(hub.url, SLOW, (i) =>
      i % 2 === 0
        ? "POST /t/shop HTTP/1.1\r\nHost: hub\r\nX-Slow: " // headers that never end
        : 'POST /t/shop HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"a',
    );
    // one byte each every 100 ms: never idle, never done
    const trickle = setInterval(() => {
      for (const s of slow) if (s.closed === undefined && s.socket.writable) s.socket.write("a");
    }, 100);
    try {
      const answers = [];
      while (slow.some((s) => s.closed === undefined)) {
        answers.push(await goodCall());
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(answers.length, "slow sockets still open well past the request time-out").toBeLessThan(200);
      }
      expect(answers.length).toBeGreaterThan(3);
      expect(new Set(answers.map(String))).toEqual(new Set(["200,101"]));
    } finally {
      clearInterval(trickle);
    }
    const held = slow.map((s) => (s.closed ?? Number.POSITIVE_INFINITY) - s.opened);
    const headers = held.filter((_, i) => i % 2 === 0);
    const bodies = held.filter((_, i) => i % 2 === 1);
    // Node checks the time-outs every connectionsCheckingInterval (a quarter of headersTimeout here)
    expect(Math.max(...headers)).toBeLessThan(HEADERS_MS + 1000);
    expect(Math.max(...bodies)).toBeLessThan(REQUEST_MS + 1000);
    expect(Math.min(...bodies)).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(slow.every((s) => s.answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"))).toBe(true);
    // the descriptors are given back
    await eventually(async () => (openFiles() <= before + 10 ? true : undefined), "the sockets to be released");

    const text = await (await fetch(hub.metricsUrl ?? "")).text();
    expect(text).toContain(`santral_requests_refused_total{code="request_timeout"} ${SLOW}`);
  });

  it("refuses a connection past connections.max at once, and keeps answering on the open ones", async () => {
    const yaml = "listen: { host: 127.0.0.1 }\nconnections: { max: 30, headersTimeout: 800, requestTimeout: 800 }\n";
    const small = await tempConfig(yaml, { shop: await demoTenant("shop", TOKEN) });
    const capped = await runHub({ configDir: small, port: 0, env: {}, signals: false, log: createLogger("silent") });
    await capped.hub.ready; // the hub listens while its tenants load
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    /** A good call on the one kept-alive connection of `agent`. */
    const kept = () =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ arayan_no: "05101234567", token: TOKEN });
        const req = request(`${capped.url}/t/shop`, {
          method: "POST",
          agent,
          headers: { "Content-Type": "application/json" },
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      expect(await kept()).toBe(200);
      const slow = await openSlow(capped.url, 29, () => "GET /healthz HTTP/1.1\r\n"); // 29 + the kept one: at the cap
      await expect(fetch(`${capped.url}/healthz`)).rejects.toThrow(); // a new connection: closed at once
      expect(await kept()).toBe(200); // the open connection is answered all the same
      await eventually(async () => (slow.every((s) => s.closed) ? true : undefined), "the slow sockets to close");
      expect((await fetch(`${capped.url}/healthz`)).status).toBe(200); // below the cap again
      const text = await (await fetch(capped.metricsUrl ?? "")).text();
      expect(text).toContain('santral_requests_refused_total{code="too_many_connections"} 1');
    } finally {
      agent.destroy();
      await capped.shutdown();
      await rm(small, { recursive: true, force: true });
    }
  });

  it("logs a flood of refusals as one line per kind, then one with the count", async () => {
    const refused = await Promise.all(
      Array.from({ length: 200 }, () =>
        sendCall(`${hub.url}/t/shop`, "json", { arayan_no: "05101234567", token: "wrong" }).then((r) => r.status),
      ),
    );
    expect(new Set(refused)).toEqual(new Set([401]));
    const lines = (code: string) => logged.split("\n").filter((l) => l.includes(`"${code}"`));
    expect(lines("bad_token")).toHaveLength(1);
    await hub.shutdown(); // writes what the throttle counted
    const last = lines("bad_token");
    expect(last).toHaveLength(2);
    expect(last[1]).toMatch(/"refused":199\b/);
    expect(lines("request_timeout")).toHaveLength(2); // the first test's 600 time-outs
    expect(lines("request_timeout")[1]).toMatch(new RegExp(`"refused":${SLOW - 1}\\b`));
  });
});
