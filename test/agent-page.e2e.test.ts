import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentLinks,
  type CardBus,
  endOfDay,
  LocalCardBus,
  openAgentDatabase,
  RedisAgentStore,
  RedisCardBus,
  SqliteAgentStore,
  SqliteRecentCards,
} from "../packages/core/src/agent/index.js";
import {
  type AgentServer,
  connectTestRedis,
  dropPrefix,
  startAgentServer,
  testCard,
  testPrefix,
} from "../packages/core/src/agent/testing.js";
import type { Card } from "../packages/core/src/calls/types.js";

// Debian's chromium, driven by playwright-core (never a browser download), against a real koa server with
// the agent's routes. A missing chromium fails every test here, in CI and out of it.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// What the functions run in the page below touch: this file is type-checked without the DOM's types, and
// waitForFunction's string form is refused by the page's CSP (it evaluates the string).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; shown?: string[] };

const SCREENSHOT = process.env.AGENT_PAGE_SCREENSHOT; // set it to write docs/agent-page.png
const HOUR = 3_600_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let browser: Browser | undefined;
let dir: string;
const contexts: BrowserContext[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "agent-page-"));
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The browser, launched by the first test that needs it: without chromium each test fails (never skips). */
async function theBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  }
  // launch() gives the browser a fresh profile directory of its own, removed when it closes
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return browser;
}

async function newPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await (await theBrowser()).newContext({ locale: "tr-TR", timezoneId: "Europe/Istanbul", ...options });
  contexts.push(context);
  return context.newPage();
}

/** Opens an agent's sign-in link as they would and waits until their page is live. */
async function signedIn(server: AgentServer, links: AgentLinks, tenant: string, extension: string, page?: Page) {
  const link = await links.createLink({ tenant, extension, ttl: HOUR });
  const p = page ?? (await newPage());
  await p.goto(`${server.url}/t/${tenant}/agent?link=${link.token}`);
  await p.waitForSelector('body[data-page="agent"][data-state="live"]', { timeout: 10_000 });
  return { page: p, link };
}

/** Publishes a card and resolves with how long it took the page to show `name` on the current card (ms). */
async function shown(bus: CardBus, card: Card, page: Page, name: string, timeout = 1000): Promise<number> {
  const start = performance.now();
  await bus.publish(card.tenant, card);
  await page.waitForFunction((n) => document.querySelector("#card .name")?.textContent === n, name, { timeout });
  return performance.now() - start;
}

describe("the agent's page in a real browser, one hub node", () => {
  let server: AgentServer;
  let links: AgentLinks;
  let bus: LocalCardBus;

  beforeAll(async () => {
    const db = openAgentDatabase(path.join(dir, "hub.sqlite"));
    links = new AgentLinks(new SqliteAgentStore(db));
    bus = new LocalCardBus(new SqliteRecentCards(db));
    server = await startAgentServer({ links, bus });
  });
  afterAll(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await server?.close();
  });

  it("shows extension 101's card within a second, name unmasked, CRM link right; 102 and another tenant see nothing", async () => {
    const { page } = await signedIn(server, links, "acme", "101", await newPage(PHONE));
    const { page: other } = await signedIn(server, links, "acme", "102");
    const { page: foreign } = await signedIn(server, links, "globex", "101");

    const now = Date.now();
    // earlier calls of today in Istanbul, however soon after its midnight the test runs
    const sinceMidnight = now - (endOfDay(now, "Europe/Istanbul") - 24 * HOUR);
    const ago = (minutes: number) => now - Math.min(minutes * 60_000, (sinceMidnight * minutes) / 60);
    await bus.publish("acme", earlier("Mehmet Kaya", "Kaya İnşaat Ltd. Şti.", ago(47), "answered"));
    await bus.publish("acme", earlier(undefined, undefined, ago(18), "missed"));
    const card = testCard({
      contact: {
        id: "003Ak00000Xyz12",
        source: "salesforce",
        kind: "Contact",
        name: "Ayşegül Yıldırım Öztürk",
        company: "Boğaziçi Enerji A.Ş.",
        vip: true,
        owner: { name: "Zeynep Demir", extension: "101" },
      },
      caller: { e164: "+905321234567", display: "0532 123 45 67" },
    });
    const ms = await shown(bus, card, page, "Ayşegül Yıldırım Öztürk");
    console.info(`card on the page ${ms.toFixed(0)} ms after publish`);

    const crm = page.locator("#card a.crm");
    expect(await crm.getAttribute("href")).toBe(card.link);
    expect(await crm.getAttribute("target")).toBe("_blank");
    expect(await crm.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await crm.textContent()).toBe("CRM'de aç");
    expect(await page.locator("#card .badge").textContent()).toBe("VIP");
    expect(await page.locator("#card .company").textContent()).toBe("Boğaziçi Enerji A.Ş.");
    expect(await page.locator("#card .facts").textContent()).toContain("rule 1 matched: vip");
    await page.waitForFunction(() => document.querySelectorAll("#today li").length === 3);
    expect(await page.locator("#today li").first().textContent()).toContain("Ayşegül Yıldırım Öztürk");
    // readable on a phone: nothing wider than the screen
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    if (SCREENSHOT) {
      await page.screenshot({
        path: path.resolve(import.meta.dirname, "../docs/agent-page.png"),
        fullPage: true,
        animations: "disabled",
      });
    }

    // a card of their own reaches each of the others after it: had the first reached them, it would be there
    await shown(bus, otherCard({ agent: { extension: "102" } }, "Kemal Sunal"), other, "Kemal Sunal");
    await shown(bus, otherCard({ tenant: "globex" }, "Türkan Şoray"), foreign, "Türkan Şoray");
    for (const p of [other, foreign]) {
      const text = await p.locator("body").textContent();
      expect(text).not.toContain("Ayşegül");
      expect(text).not.toContain("Mehmet Kaya");
      expect(await p.locator(`a[href="${card.link}"]`).count()).toBe(0);
      expect(await p.locator("#today li").count()).toBe(1);
    }
    // and a reload shows 101 today's three calls from the hub's file
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("#today li").length === 3);
  });

  it("shows a card's text as text and only an http(s) CRM link", async () => {
    const { page } = await signedIn(server, links, "acme", "103");
    const hostile = "<img src=x onerror=\"document.body.dataset.owned='1'\">Ali";
    const card = testCard({ agent: { extension: "103" }, contact: contact(hostile), link: "javascript:alert(1)" });
    await shown(bus, card, page, hostile);
    expect(await page.locator("#card img, #today img").count()).toBe(0);
    expect(await page.locator("body").getAttribute("data-owned")).toBeNull();
    expect(await page.locator("#card a.crm").count()).toBe(0);
  });

  it("a ringing call raises a browser notification once the agent has allowed them", async () => {
    const page = await newPage({ permissions: ["notifications"] });
    // the real Notification, counted: what the page shows, and only that
    await page.addInitScript(`
      window.shown = [];
      window.Notification = class extends window.Notification {
        constructor(title, options) {
          super(title, options);
          window.shown.push(title + " | " + (options?.body ?? ""));
        }
      };
    `);
    await signedIn(server, links, "acme", "107", page);
    expect(await page.locator("#notify").isHidden()).toBe(true);
    expect(await page.locator("#notify-state").textContent()).toBe("Bildirimler açık.");
    const card = testCard({ agent: { extension: "107" } });
    await shown(bus, card, page, "Şükrü Çelik");
    await bus.publish("acme", { ...card, event: "answered", at: card.at + 1 });
    await page.waitForSelector("#card .state >> text=Görüşmede");
    expect(await page.evaluate(() => window.shown)).toEqual([
      "VIP · Şükrü Çelik | Çelik Lojistik A.Ş. · 0532 123 45 67",
    ]);
  });

  it("a link opened from another site signs in (the Strict cookie comes on the hub's own navigation)", async () => {
    const link = await links.createLink({ tenant: "acme", extension: "104", ttl: HOUR });
    const target = `${server.url}/t/acme/agent?link=${link.token}`;
    const mail = createServer((_req, res) => res.end(`<a id="open" href="${target}">Çağrı sayfam</a>`));
    await new Promise<void>((resolve) => mail.listen(0, "127.0.0.1", resolve));
    try {
      const page = await newPage();
      // localhost and 127.0.0.1 are different sites to the browser
      await page.goto(`http://localhost:${(mail.address() as AddressInfo).port}/`);
      await page.click("#open");
      await page.waitForSelector('body[data-page="agent"][data-state="live"]', { timeout: 10_000 });
      await page.goBack();
      expect(page.url()).not.toContain(link.token); // the history no longer holds the token's page
    } finally {
      await close(mail);
    }
  });

  it("refuses a revoked link and a used one, and a revoked session both live and on reload", async () => {
    const revoked = await links.createLink({ tenant: "acme", extension: "105", ttl: HOUR });
    await links.revoke({ tenant: "acme", linkId: revoked.id });
    const page = await newPage();
    const refused = page.waitForResponse((r) => r.url().endsWith("/signin"));
    await page.goto(`${server.url}/t/acme/agent?link=${revoked.token}`);
    expect((await refused).status()).toBe(401);
    await page.waitForSelector("text=Bu giriş bağlantısı iptal edilmiş.");

    const { page: agent, link } = await signedIn(server, links, "acme", "106");
    const again = await newPage();
    await again.goto(`${server.url}/t/acme/agent?link=${link.token}`);
    await again.waitForSelector("text=Bu giriş bağlantısı daha önce kullanılmış.");

    await links.revoke({ tenant: "acme", extension: "106" });
    await bus.publish("acme", testCard({ agent: { extension: "106" }, contact: contact("Gizli Kalmalı") }));
    await agent.waitForSelector('body[data-state="signed-out"]');
    expect(await agent.locator("body").textContent()).not.toContain("Gizli Kalmalı");
    const reload = await agent.reload();
    expect(reload?.status()).toBe(401);
    expect(await agent.locator("body").textContent()).toContain("Oturumunuz sona erdi ya da iptal edildi.");
  });
});

describe("the agent's page with two hub nodes on one Redis", () => {
  const prefix = testPrefix();
  const clients: Redis[] = [];
  const nodes: { server: AgentServer; links: AgentLinks; bus: RedisCardBus }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const client = await connectTestRedis();
      clients.push(client);
      const links = new AgentLinks(new RedisAgentStore({ client, prefix }));
      const bus = new RedisCardBus({ client, prefix });
      nodes.push({ server: await startAgentServer({ links, bus }), links, bus });
    }
  });
  afterAll(async () => {
    for (const context of contexts.splice(0)) await context.close();
    for (const node of nodes) {
      await node.server.close();
      await node.bus.close();
    }
    if (clients[0]) await dropPrefix(clients[0], prefix);
    for (const client of clients) client.disconnect();
  });

  it("a card published on node A reaches an agent connected to node B within a second", async () => {
    const [a, b] = nodes;
    if (!a || !b) throw new Error("nodes did not start");
    // the link made through node A's store, opened on node B
    const { page } = await signedIn(b.server, a.links, "acme", "101");
    const card = testCard({ contact: contact("Nazlı Ağaoğlu") });
    const ms = await shown(a.bus, card, page, "Nazlı Ağaoğlu");
    console.info(`card from node A on node B's page ${ms.toFixed(0)} ms after publish`);
    expect(await page.locator("#card a.crm").getAttribute("href")).toBe(card.link);
    // revoked through node A: node B's page stops, and node B refuses the session
    await a.links.revoke({ tenant: "acme", extension: "101" });
    await a.bus.publish("acme", testCard({ contact: contact("Sonra Gelen") }));
    await page.waitForSelector('body[data-state="signed-out"]');
    expect((await page.reload())?.status()).toBe(401);
  });
});

function contact(name: string): Card["contact"] {
  return { id: "c-1", source: "sql", name, vip: false };
}

/** A card for someone else than the test's main caller: another contact, another record to open. */
function otherCard(overrides: Partial<Card>, name: string): Card {
  return testCard({
    contact: contact(name),
    link: `https://crm.example/musteri/${encodeURIComponent(name)}`,
    ...overrides,
  });
}

/** An earlier call of the day, ended: answered after a talk, or missed from the queue by an unknown caller. */
function earlier(name: string | undefined, company: string | undefined, at: number, how: "answered" | "missed"): Card {
  const card = testCard({
    at,
    event: "ended",
    caller: { e164: "+905441000000", display: "0544 100 00 00" },
    ended: how === "answered" ? { durationSec: 252, disposition: "answered" } : { disposition: "missed" },
    agent: how === "answered" ? { extension: "101" } : { extension: "101", queue: "satis" },
    route: { step: "welcome", rule: 1, result: "queue", redirect: "satis", reason: "rule 2 matched: known" },
  });
  if (name) card.contact = { id: "r-9", source: "sql", name, ...(company ? { company } : {}), vip: false };
  else delete card.contact;
  if (!name) delete card.link;
  return card;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
