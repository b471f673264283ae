import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { REPO } from "./hub.js";

/** A copy of the repo's config (the demo tenant on its CSV), with extra hub.yaml and demo.yaml lines. */
export function followConfig(opts: { hub?: string; demo?: string; tenants?: Record<string, string> } = {}): {
  dir: string;
  remove(): void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), "follow-"));
  cpSync(path.join(REPO, "config"), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}state`) });
  writeFileSync(
    path.join(dir, "hub.yaml"),
    `reload: { watch: false }\noutbox: { retryFirst: 150, retryMax: 400, giveUpAfter: 20000 }\n${opts.hub ?? ""}`,
  );
  const demo = path.join(dir, "tenants", "demo.yaml");
  writeFileSync(demo, `${readFileSync(demo, "utf8")}\n${opts.demo ?? ""}`);
  for (const [id, text] of Object.entries(opts.tenants ?? {}))
    writeFileSync(path.join(dir, "tenants", `${id}.yaml`), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A hub as `santral-hub start` runs it, in this process; resolves once its tenants have loaded. */
export async function startFollowingHub(configDir: string, env: NodeJS.ProcessEnv = {}): Promise<HubProcess> {
  const running = await runHub({ configDir, port: 0, env, signals: false, log: createLogger("silent") });
  await running.hub.ready; // it listens while they load
  return running;
}

export interface Delivery {
  headers: IncomingMessage["headers"];
  body: string;
}

/** The tenant's own software: takes webhooks, answering each with the next status of `plan`, then 200. */
export async function startReceiver(plan: number[] = []): Promise<{
  url: string;
  deliveries: Delivery[];
  /** Every request, failed ones too. */
  tries: number;
  waitFor(n: number, ms?: number): Promise<Delivery[]>;
  /** While down, every request is answered 503. */
  down: boolean;
  close(): Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const statuses = [...plan];
  let tries = 0;
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      tries++;
      const status = state.down ? 503 : (statuses.shift() ?? 200);
      if (status < 300) deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    get tries() {
      return tries;
    },
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    async waitFor(n, ms = 8000) {
      const until = Date.now() + ms;
      while (deliveries.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return deliveries;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The routing call the panel sends for the demo tenant. */
export function routingCall(url: string, callId: string, caller = "05101234567"): Promise<Response> {
  const fields = {
    arayan_no: caller,
    aranan_no: "8503030303",
    arama_id: callId,
    tus_bilgisi: "-1",
    token: "demo-token-2026",
  };
  return fetch(`${url}/t/demo`, { method: "POST", body: new URLSearchParams(fields) });
}

/** Netsantral's `Inbound_call` for the demo's VIP ringing at extension 101. */
export function ringingEvent(id: string): Record<string, unknown> {
  return {
    pbx_num: "8503030303",
    unique_id: id,
    scenario: "Inbound_call",
    customer_num: "05101234567",
    internal_num: "101",
    timestamp: String(Date.now()),
  };
}

/** Netsantral's call record (`cdr`) at a call's end: 42 s talked at `extension`, with its recording. */
export function cdrEvent(id: string, caller = "05101234567", extension = "101"): Record<string, unknown> {
  return {
    bas: "2026-12-02 10:00:00",
    kimlik: 186641234,
    arayan: caller,
    aranan: extension,
    sure: 42,
    yon: 1,
    seskaydi: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=abc",
    asteriskId: `sip8-${id}`,
    scenario: "cdr",
    timestamp: String(Date.now()),
  };
}

/** A JSON POST to a hub, as a PBX sends its routing call or its events. */
export function postJson(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** Waits until `done()` holds (or `ms` pass), then `settle` ms more: time for a wrong extra write to show. */
export async function settled(done: () => boolean, ms = 8000, settle = 500): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, settle));
}

/** One event webhook delivery, as JSON. */
export function postEvent(url: string, body: Record<string, unknown>, token = "demo-token-2026"): Promise<Response> {
  return fetch(`${url}/t/demo/events?token=${encodeURIComponent(token)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}
