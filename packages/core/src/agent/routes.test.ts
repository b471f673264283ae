import { request } from "node:http";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Card } from "../calls/types.js";
import { LocalCardBus } from "./bus.js";
import { AgentLinks } from "./links.js";
import { MemoryRecentCards } from "./recent.js";
import { SqliteAgentStore } from "./sqlite-store.js";
import { type AgentServer, startAgentServer, testCard } from "./testing.js";

const HOUR = 3_600_000;
let server: AgentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: { heartbeatMs?: number; sessionCheckMs?: number; proxy?: boolean } = {}) {
  const links = new AgentLinks(new SqliteAgentStore(new Database(":memory:")));
  const bus = new LocalCardBus(new MemoryRecentCards());
  server = await startAgentServer({ links, bus, knownTenant: (t) => t !== "nobody", ...options }, options.proxy);
  const { url } = server;
  /** Signs an agent in as the page does (the link's GET, then the form's POST); the Set-Cookie header. */
  const signIn = async (tenant: string, extension: string, queues: string[] = []) => {
    const link = await links.createLink({ tenant, extension, queues, ttl: HOUR });
    const page = await fetch(`${url}/t/${tenant}/agent?link=${link.token}`);
    expect(await page.text()).toContain(`value="${link.token}"`);
    const post = await fetch(`${url}/t/${tenant}/agent/signin`, {
      method: "POST",
      body: new URLSearchParams({ link: link.token }),
      redirect: "manual",
    });
    return { link, post, cookie: (post.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
  };
  return { url, links, bus, signIn };
}

/** A request with headers fetch() will not send as given (Origin, Sec-Fetch-*): status and body. */
function raw(url: string, method: string, headers: Record<string, string>, body = ""): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve([res.statusCode ?? 0, text]));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Reads a Server-Sent Events response: each event's name and data, and the comment lines (heartbeats). */
function events(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const got: { event: string; data: string }[] = [];
  let comments = 0;
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf("\n\n");
      while (end >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments++;
          else if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trim());
        }
        if (data.length > 0) got.push({ event, data: data.join("\n") });
        end = text.indexOf("\n\n");
      }
    }
  })().catch(() => {});
  return {
    got,
    comments: () => comments,
    ended: () => ended,
    async until(check: () => boolean, ms = 3000) {
      const stop = Date.now() + ms;
      while (!check()) {
        if (Date.now() > stop) throw new Error(`timed out; events so far: ${JSON.stringify(got)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    cancel: () => reader.cancel().then(() => pump),
  };
}

describe("signing in", () => {
  it("the link's GET does not use it (a link preview cannot burn it); the POST does, once", async () => {
    const { url, links } = await setup();
    const link = await links.createLink({ tenant: "acme", extension: "101", ttl: HOUR });
    for (let i = 0; i < 2; i++) expect((await fetch(`${url}/t/acme/agent?link=${link.token}`)).status).toBe(200);
    const post = () =>
      fetch(`${url}/t/acme/agent/signin`, {
        method: "POST",
        body: new URLSearchParams({ link: link.token }),
        redirect: "manual",
      });
    const first = await post();
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/t/acme/agent");
    const second = await post();
    expect(second.status).toBe(401);
    expect(await second.text()).toContain("Bu giriş bağlantısı daha önce kullanılmış");
  });

  it("sets an HttpOnly, SameSite=Strict cookie on the tenant's page path, Secure only over https", async () => {
    const { signIn } = await setup({ proxy: true });
    const { post } = await signIn("acme", "101");
    const plain = post.headers.get("set-cookie") ?? "";
    expect(plain).toMatch(/^santral_agent=[A-Za-z0-9_-]{43}; path=\/t\/acme\/agent; /);
    expect(plain).toMatch(/samesite=strict/);
    expect(plain).toMatch(/httponly/);
    expect(plain).not.toMatch(/secure/);
    const { links } = await setup({ proxy: true });
    const link = await links.createLink({ tenant: "acme", extension: "101", ttl: HOUR });
    const overTls = await fetch(`${server?.url}/t/acme/agent/signin`, {
      method: "POST",
      headers: { "X-Forwarded-Proto": "https" },
      body: new URLSearchParams({ link: link.token }),
      redirect: "manual",
    });
    expect(overTls.headers.get("set-cookie")).toMatch(/; secure; httponly$/);
  });

  it("a revoked or unknown link gets a 401 page that says in Turkish what to do", async () => {
    const { url, links } = await setup();
    const link = await links.createLink({ tenant: "acme", extension: "101", ttl: HOUR });
    await links.revoke({ tenant: "acme", extension: "101" });
    for (const [token, words] of [
      [link.token, "iptal edilmiş"],
      ["x".repeat(43), "geçerli değil"],
    ] as const) {
      const response = await fetch(`${url}/t/acme/agent/signin`, {
        method: "POST",
        body: new URLSearchParams({ link: token }),
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toContain(words);
    }
  });

  it("refuses a sign-in form posted from another site", async () => {
    const { url, links } = await setup();
    const link = await links.createLink({ tenant: "acme", extension: "101", ttl: HOUR });
    const headers = { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" };
    const [status] = await raw(`${url}/t/acme/agent/signin`, "POST", headers, `link=${link.token}`);
    expect(status).toBe(403);
    const crossSite = { "Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded" };
    expect((await raw(`${url}/t/acme/agent/signin`, "POST", crossSite, `link=${link.token}`))[0]).toBe(403);
    expect((await links.exchange("acme", link.token)).ok).toBe(true);
  });
});

describe("the page", () => {
  it("is served to a signed-in agent with a CSP of self only; without a session, 401 in Turkish", async () => {
    const { url, signIn } = await setup();
    const { cookie } = await signIn("acme", "101");
    const page = await fetch(`${url}/t/acme/agent`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'; style-src 'self'");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain("Bugünkü çağrılar");
    const none = await fetch(`${url}/t/acme/agent`);
    expect(none.status).toBe(401);
    expect(await none.text()).toContain("Giriş yapmadınız");
    const stale = await fetch(`${url}/t/acme/agent`, { headers: { cookie: `santral_agent=${"a".repeat(43)}` } });
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain("Oturumunuz sona erdi");
    expect(stale.headers.get("set-cookie")).toMatch(/^santral_agent=; path=\/t\/acme\/agent; expires=Thu, 01 Jan 1970/);
  });

  it("checks the URL's tenant against the session's: acme's cookie opens nothing of globex", async () => {
    const { url, signIn } = await setup();
    const { cookie } = await signIn("acme", "101");
    for (const path of ["/t/globex/agent", "/t/globex/agent/recent", "/t/globex/agent/stream"]) {
      expect((await fetch(`${url}${path}`, { headers: { cookie } })).status).toBe(401);
    }
    expect((await fetch(`${url}/t/nobody/agent`, { headers: { cookie } })).status).toBe(404);
  });

  it("a navigation from another site without the cookie is opened again from the hub, so Strict cookies come", async () => {
    const { url } = await setup();
    const [status, body] = await raw(`${url}/t/acme/agent`, "GET", {
      "Sec-Fetch-Site": "cross-site",
      "Sec-Fetch-Mode": "navigate",
    });
    expect(status).toBe(200);
    expect(body).toContain('<meta http-equiv="refresh" content="0;url=/t/acme/agent">');
    expect((await raw(`${url}/t/acme/agent`, "GET", { "Sec-Fetch-Site": "same-origin" }))[0]).toBe(401);
  });

  it("serves page.js, page.css and icon.svg with their types, and 304 to a known ETag", async () => {
    const { url } = await setup();
    const js = await fetch(`${url}/t/acme/agent/page.js`);
    expect(js.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(await js.text()).toContain("textContent");
    expect((await fetch(`${url}/t/acme/agent/page.css`)).headers.get("content-type")).toBe("text/css; charset=utf-8");
    const etag = js.headers.get("etag") ?? "";
    expect((await fetch(`${url}/t/acme/agent/page.js`, { headers: { "If-None-Match": etag } })).status).toBe(304);
  });
});

describe("the stream and today's calls", () => {
  it("carry only the cards of the agent's extension and queues, with heartbeats in between", async () => {
    const { url, bus, signIn } = await setup({ heartbeatMs: 200 });
    const { cookie } = await signIn("acme", "101", ["Satış"]);
    const response = await fetch(`${url}/t/acme/agent/stream`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const stream = events(response);
    await stream.until(() => stream.got.some((e) => e.event === "ready"));
    const mine = testCard({ id: "mine", at: Date.now() - 1000 });
    const queue = testCard({ id: "queue", agent: { queue: "SATIŞ" } });
    await bus.publish("acme", testCard({ id: "other-extension", agent: { extension: "102" } }));
    await bus.publish("acme", mine);
    await bus.publish("globex", testCard({ tenant: "globex", id: "other-tenant" }));
    await bus.publish("acme", queue);
    await stream.until(() => stream.got.length >= 3);
    const cards = stream.got.filter((e) => e.event === "card").map((e) => JSON.parse(e.data) as Card);
    expect(cards).toEqual([mine, queue]);
    await stream.until(() => stream.comments() >= 1);
    const recent = (await (await fetch(`${url}/t/acme/agent/recent`, { headers: { cookie } })).json()) as {
      agent: unknown;
      cards: Card[];
    };
    expect(recent.agent).toEqual({ extension: "101", queues: ["Satış"] });
    expect(recent.cards.map((c) => c.id)).toEqual(["queue", "mine"]);
    await stream.cancel();
  });

  it("a revoked session gets no further card: the stream says signed-out and ends", async () => {
    const { url, bus, links, signIn } = await setup();
    const { cookie } = await signIn("acme", "101");
    const stream = events(await fetch(`${url}/t/acme/agent/stream`, { headers: { cookie } }));
    await stream.until(() => stream.got.some((e) => e.event === "ready"));
    expect(server?.routes.openStreams()).toBe(1);
    await links.revoke({ tenant: "acme", extension: "101" });
    await bus.publish("acme", testCard({ id: "after-revoke" }));
    await stream.until(() => stream.ended());
    expect(stream.got.map((e) => e.event)).toEqual(["ready", "signed-out"]);
    expect(server?.routes.openStreams()).toBe(0);
    expect((await fetch(`${url}/t/acme/agent/recent`, { headers: { cookie } })).status).toBe(401);
  });

  it("an open stream notices a revoke by itself, without a card", async () => {
    const { url, links, signIn } = await setup({ sessionCheckMs: 100 });
    const { cookie } = await signIn("acme", "101");
    const stream = events(await fetch(`${url}/t/acme/agent/stream`, { headers: { cookie } }));
    await stream.until(() => stream.got.some((e) => e.event === "ready"));
    await links.revoke({ tenant: "acme", extension: "101" });
    await stream.until(() => stream.ended());
    expect(stream.got.map((e) => e.event)).toEqual(["ready", "signed-out"]);
  });

  it("ends every open stream when the mount is closed, so the server can stop", async () => {
    const { url, signIn } = await setup();
    const { cookie } = await signIn("acme", "101");
    const stream = events(await fetch(`${url}/t/acme/agent/stream`, { headers: { cookie } }));
    await stream.until(() => stream.got.some((e) => e.event === "ready"));
    server?.routes.close();
    await stream.until(() => stream.ended());
    expect(server?.routes.openStreams()).toBe(0);
  });
});
