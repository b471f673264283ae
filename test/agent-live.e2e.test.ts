import { existsSync } from "node:fs";
import type { HubProcess } from "@santral-hub/core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { santralHub } from "./helpers/cli.js";
import { followConfig, postEvent, ringingEvent, routingCall, startFollowingHub } from "./helpers/follow.js";

// The agent's live page through real hubs, as an operator and an agent use it: `santral-hub agent link`
// prints the link, Debian's chromium (driven by playwright-core, never a download) opens it, and
// `santral-hub events simulate` plays a call as Netsantral sends it. A missing chromium fails these tests.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

let browser: Browser | undefined;
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(): Promise<Page> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (.ci/run does)`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ locale: "tr-TR", timezoneId: "Europe/Istanbul" });
  cleanup.push(() => context.close());
  return context.newPage();
}

/** `santral-hub agent link`, as an operator runs it; the token from the printed URL. */
async function agentLink(configDir: string, tenant: string, extension: string, env: NodeJS.ProcessEnv = {}) {
  const run = await santralHub(["agent", "link", tenant, "--extension", extension, "--config", configDir], { env });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const token = /[?&]link=([\w-]+)/.exec(run.stdout)?.[1];
  if (!token) throw new Error(`no link in: ${run.stdout}`);
  return token;
}

async function signIn(hub: HubProcess, tenant: string, token: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${hub.url}/t/${tenant}/agent?link=${token}`);
  await page.waitForSelector('body[data-page="agent"][data-state="live"]', { timeout: 10_000 });
  return page;
}

const OTHER = `id: other
token: other-token-2026
crm: { adapter: csv, config: { file: ../data/demo.csv, delimiter: ";", columns: { id: musteri_no, phone: [telefon, cep], firstName: ad, lastName: soyad } } }
steps:
  welcome:
    rules: [{ reply: { result: queue, redirect: satis } }]
    fallback: { result: queue, redirect: satis }
`;

// the first test spawns the CLI five times (links, simulate, revoke): a few seconds each on a loaded machine
describe("the agent's page through a real hub", () => {
  it("a simulated call shows on extension 101's page within a second, name unmasked, CRM link right; 102, another tenant and a revoked link see nothing", async () => {
    const config = followConfig({
      demo: 'card: { link: "https://crm.example/musteri/{{ contact.id }}" }',
      tenants: { other: OTHER },
    });
    cleanup.push(() => config.remove());
    const hub = await startFollowingHub(config.dir);
    cleanup.push(() => hub.shutdown());

    const page = await signIn(hub, "demo", await agentLink(config.dir, "demo", "101"));
    const other = await signIn(hub, "demo", await agentLink(config.dir, "demo", "102"));
    const foreign = await signIn(hub, "other", await agentLink(config.dir, "other", "101"));

    const started = performance.now();
    const simulate = santralHub(
      ["events", "simulate", "demo", "--url", hub.url, "--config", config.dir, "--gap", "0", "--talk", "30"],
      {},
    );
    // AHMET YILMAZ (05101234567) is a VIP of extension 101: the routing call sends him there
    await page.waitForFunction(() => document.querySelector("#card .name")?.textContent === "AHMET YILMAZ", null, {
      timeout: 5000,
    });
    const run = await simulate;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/routing call .*: 200/);
    expect(run.stdout).toMatch(/event cdr: 200/);
    console.info(`card on the page ${(performance.now() - started).toFixed(0)} ms after the simulated call began`);
    expect(await page.locator("#card a.crm").getAttribute("href")).toBe("https://crm.example/musteri/10001");
    expect(await page.locator("#card .badge").textContent()).toBe("VIP");
    expect(await other.locator("body").textContent()).not.toContain("AHMET");
    expect(await foreign.locator("body").textContent()).not.toContain("AHMET");

    // the call ends on the page: it moves to the day's list with its length
    await page.waitForFunction(() => /Görüşüldü/.test(document.querySelector("#today")?.textContent ?? ""), null, {
      timeout: 5000,
    });

    // the next call, timed from the event's delivery to the hub: on the page within a second
    const next = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
    expect((await routingCall(hub.url, next)).status).toBe(200);
    const posted = performance.now();
    expect((await postEvent(hub.url, ringingEvent(next))).status).toBe(200);
    await page.waitForFunction(
      () => document.querySelector("#card.state-ringing .name")?.textContent === "AHMET YILMAZ",
      null,
      { timeout: 1000 },
    );
    console.info(`the next call's card on the page ${(performance.now() - posted).toFixed(0)} ms after its event`);

    const revoke = await santralHub(["agent", "revoke", "demo", "--extension", "101", "--config", config.dir]);
    expect(revoke.stdout).toMatch(/Revoked 1 link/);
    // the next call for 101 finds the page's session gone
    const ringing = {
      unique_id: "1733140000.9",
      scenario: "Inbound_call",
      customer_num: "05101234567",
      internal_num: "101",
    };
    await postEvent(hub.url, ringing);
    await page.waitForSelector('body[data-state="signed-out"]', { timeout: 5000 });
    expect((await page.reload())?.status()).toBe(401);
  }, 60_000);

  it("with two hub nodes on one Redis, an event taken by node A reaches an agent connected to node B", async () => {
    const config = followConfig({ demo: 'card: { link: "https://crm.example/musteri/{{ contact.id }}" }' });
    cleanup.push(() => config.remove());
    const env = { REDIS_URL: "redis://127.0.0.1:6379" };
    const a = await startFollowingHub(config.dir, env);
    cleanup.push(() => a.shutdown());
    const b = await startFollowingHub(config.dir, env);
    cleanup.push(() => b.shutdown());
    const page = await signIn(b, "demo", await agentLink(config.dir, "demo", "101", env));

    const id = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
    expect((await routingCall(a.url, id)).status).toBe(200);
    const started = performance.now();
    expect((await postEvent(a.url, ringingEvent(id))).status).toBe(200);
    await page.waitForFunction(() => document.querySelector("#card .name")?.textContent === "AHMET YILMAZ", null, {
      timeout: 1000,
    });
    console.info(`card from node A on node B's page ${(performance.now() - started).toFixed(0)} ms after the event`);
    expect(await page.locator("#card a.crm").getAttribute("href")).toBe("https://crm.example/musteri/10001");
  });
});
