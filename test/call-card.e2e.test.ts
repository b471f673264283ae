import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifySignature } from "../packages/core/src/notify/index.js";
import { santralHub } from "./helpers/cli.js";
import {
  cdrEvent as cdr,
  followConfig,
  postEvent,
  ringingEvent,
  routingCall,
  startFollowingHub,
  startReceiver,
} from "./helpers/follow.js";
import { REPO } from "./helpers/hub.js";

// The call's life after the answer, over real HTTP through a real hub on its embedded default (the SQLite
// outbox in the config's state directory): a routing call, then Netsantral's events, into the tenant's
// webhook receiver.

const SECRET = "whsec-test-0123456789abcdef";
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function setUp(plan: number[] = []) {
  const receiver = await startReceiver(plan);
  cleanup.push(() => receiver.close());
  const config = followConfig({
    hub: "metrics: { port: call }\n",
    demo: [
      'card: { link: "https://crm.example/musteri/{{ contact.id }}" }',
      "notify:",
      `  - url: ${receiver.url}`,
      `    secret: \${env:DEMO_HOOK_SECRET}`,
      "    events: [ringing, answered, ended]",
    ].join("\n"),
  });
  cleanup.push(() => config.remove());
  return { receiver, config, env: { DEMO_HOOK_SECRET: SECRET } };
}

describe("call events into the tenant's webhook", () => {
  it("sends each event's signed card once, though the PBX delivers an event twice and the receiver fails twice first", async () => {
    const { receiver, config, env } = await setUp([500, 503]);
    const hub = await startFollowingHub(config.dir, env);
    cleanup.push(() => hub.shutdown());
    const id = "1733140000.4242";
    expect((await routingCall(hub.url, id)).status).toBe(200);
    const event = ringingEvent(id);
    const first = await postEvent(hub.url, event);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "ok", events: 1 });
    const again = await postEvent(hub.url, event); // the PBX delivers the same event again
    expect(again.status).toBe(200);
    const deliveries = await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 800)); // time for a wrong second delivery to show
    expect(receiver.tries).toBe(3); // two failures, then the delivery
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    if (!delivery) throw new Error("no delivery");
    const header = String(delivery.headers["x-santral-signature"]);
    expect(verifySignature(header, delivery.body, SECRET)).toBe(true);
    expect(verifySignature(header, delivery.body, "another-secret-0123456789")).toBe(false);
    const readmeCheck = await readmeVerifier();
    expect(readmeCheck(header, delivery.body, SECRET)).toBe(true);
    expect(readmeCheck(header, `${delivery.body} `, SECRET)).toBe(false);
    expect(delivery.headers["idempotency-key"]).toBeTruthy();
    const body = JSON.parse(delivery.body);
    expect(body.type).toBe("call.ringing");
    expect(body.card).toMatchObject({
      tenant: "demo",
      event: "ringing",
      caller: { e164: "+905101234567", display: "0510 123 45 67" },
      contact: { id: "10001", name: "AHMET YILMAZ", vip: true },
      link: "https://crm.example/musteri/10001",
      route: { step: "welcome", result: "extensions", redirect: "101" },
      agent: { extension: "101" },
    });
    expect(body.card.pbxIds).toContain(id);
    expect(body.card.route.reason).toMatch(/^rule 1 of step welcome matched: vip/);

    // the call record ends the same card, with its duration and recording
    expect((await postEvent(hub.url, cdr(id))).status).toBe(200);
    const both = await receiver.waitFor(2);
    expect(both).toHaveLength(2);
    const ended = JSON.parse(both[1]?.body ?? "{}");
    expect(ended.card.id).toBe(body.card.id);
    expect(ended.card).toMatchObject({ state: "ended", ended: { durationSec: 42, disposition: "answered" } });
    expect(ended.card.ended.recordingUrl).toMatch(/^https:\/\/dosyaindir\.netgsm\.com\.tr\//);
    expect(both[1]?.headers["idempotency-key"]).not.toBe(delivery.headers["idempotency-key"]);

    // what an operator sees: the counters, and the call by its id
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const counter = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, "m").exec(metrics)?.[1] ?? Number.NaN);
    expect(counter("santral_events_total", 'tenant="demo",kind="ringing"')).toBe(1);
    expect(counter("santral_events_total", 'tenant="demo",kind="ended"')).toBe(1);
    expect(counter("santral_events_correlated_total", 'tenant="demo",match="id"')).toBe(2);
    expect(counter("santral_events_correlated_total", 'tenant="demo",match="duplicate"')).toBe(1);
    expect(counter("santral_notifications_total", 'tenant="demo",outcome="retried"')).toBe(2);
    expect(counter("santral_notifications_total", 'tenant="demo",outcome="sent"')).toBe(2);

    const explained = await santralHub(["explain", "demo", "--call", id, "--json", "--config", config.dir], { env });
    expect(explained.stderr).toBe("");
    const call = JSON.parse(explained.stdout);
    expect(call).toMatchObject({
      card: body.card.id,
      state: "ended",
      caller: "+905101234567",
      contact: { id: "10001", name: "AHMET YILMAZ", vip: true, by: "routing" },
      route: { step: "welcome", result: "extensions", redirect: "101" },
      ended: { durationSec: 42, disposition: "answered" },
    });
    expect(call.events.map((e: { scenario: string }) => e.scenario)).toEqual(["Inbound_call", "cdr"]);
    const tries = call.deliveries.map((d: { what: string; outcome: string; attempt: number }) => [
      d.what,
      d.outcome,
      d.attempt,
    ]);
    expect(tries).toEqual([
      ["call.ringing", "retrying", 1],
      ["call.ringing", "retrying", 2],
      ["call.ringing", "sent", 3],
      ["call.ended", "sent", 1],
    ]);
    expect(call.deliveries[0].target).toBe(receiver.url);
    expect(call.deliveries[0].detail).toMatch(/500/);
    const report = await santralHub(["explain", "demo", "--call", `sip8-${id}`, "--config", config.dir], { env });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`call ${body.card.id} (ended)`);
    expect(report.stdout).toMatch(/why: rule 1 of step welcome matched: vip/);
    expect(report.stdout).toMatch(/call\.ringing → http:\/\/127\.0\.0\.1:\d+\/hook {2}try 3, sent/);
    const unknown = await santralHub(["explain", "demo", "--call", "no-such-call", "--config", config.dir], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no call "no-such-call" of tenant "demo"/);
  });

  it("delivers after a restart what it had taken but not yet delivered", async () => {
    const { receiver, config, env } = await setUp();
    receiver.down = true; // every try fails while the first hub runs
    const first = await startFollowingHub(config.dir, env);
    const id = "1733140000.777";
    expect((await routingCall(first.url, id)).status).toBe(200);
    expect((await postEvent(first.url, ringingEvent(id))).status).toBe(200);
    const until = Date.now() + 5000;
    while (receiver.tries < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.tries).toBeGreaterThan(0);
    const waiting = await (await fetch(`${first.url}/metrics`)).text();
    expect(waiting).toMatch(/^santral_outbox_queued\{tenant="demo"\} 1$/m);
    expect(waiting).toMatch(/^santral_outbox_oldest_seconds\{tenant="demo"\} [\d.]+$/m);
    await first.shutdown();
    expect(receiver.deliveries).toHaveLength(0);

    receiver.down = false;
    const second = await startFollowingHub(config.dir, env);
    cleanup.push(() => second.shutdown());
    const deliveries = await receiver.waitFor(1, 8000);
    expect(deliveries).toHaveLength(1);
    const body = JSON.parse(deliveries[0]?.body ?? "{}");
    expect(body.card).toMatchObject({ event: "ringing", contact: { name: "AHMET YILMAZ" } });
    // the routing call survived the restart too: the call's end finds it, with its route
    expect((await postEvent(second.url, cdr(id))).status).toBe(200);
    const ended = JSON.parse((await receiver.waitFor(2, 8000))[1]?.body ?? "{}");
    expect(ended.card).toMatchObject({ id: body.card.id, state: "ended", route: { step: "welcome" } });
  });

  it("refuses an event with a wrong token and a body that is not an event, and takes an unknown scenario", async () => {
    const { config, env } = await setUp();
    const hub = await startFollowingHub(config.dir, env);
    cleanup.push(() => hub.shutdown());
    expect((await postEvent(hub.url, ringingEvent("1.1"), "wrong-token")).status).toBe(401);
    const list = await fetch(`${hub.url}/t/demo/events?token=demo-token-2026`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "[1,2]",
    });
    expect(list.status).toBe(400);
    const unknown = await postEvent(hub.url, { scenario: "Transfer", unique_id: "9.9", brand_new: "x" });
    expect(unknown.status).toBe(200);
  });
});

/** The README's ten-line receiver check, as a receiver would paste it. */
async function readmeVerifier(): Promise<(header: string, body: string, secret: string) => boolean> {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("X-Santral-Signature: t=")))?.[1];
  if (!code) throw new Error("the README has no signature example");
  const dir = mkdtempSync(path.join(tmpdir(), "verify-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "verify.mjs");
  writeFileSync(file, code);
  const module = (await import(file)) as { verified: (h: string, b: string, s: string) => boolean };
  return module.verified;
}
