import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type Router from "@koa/router";
import type { Logger } from "@santral-hub/sdk";
import type { Context } from "koa";
import getRawBody from "raw-body";
import { secureHeaders } from "./headers.js";
import { type AgentLinks, TENANT_ID } from "./links.js";
import { agentPage, messagePage, REFUSED, signInPage } from "./pages.js";
import { type OpenStreams, openStream } from "./stream.js";
import type { AgentIdentity, CardBus } from "./types.js";
import { visibleTo } from "./visible.js";

export interface AgentPageOptions {
  links: AgentLinks;
  bus: CardBus;
  log?: Logger;
  /** When given, a tenant it does not know gets 404 rather than "not signed in". */
  knownTenant?: (tenant: string) => boolean;
  /** Heartbeat of the event stream (ms); default 15000. */
  heartbeatMs?: number;
  /** How often an open stream checks that its session still stands (ms); default 30000. */
  sessionCheckMs?: number;
  /** The session cookie's name; default `santral_agent`. */
  cookieName?: string;
}

export interface AgentRoutes {
  /** Ends every open event stream (they never end by themselves): call it before closing the server. */
  close(): void;
  /** Event streams open now. */
  openStreams(): number;
}

const ASSETS = {
  "page.js": "application/javascript; charset=utf-8",
  "page.css": "text/css; charset=utf-8",
  "icon.svg": "image/svg+xml",
} as const;

const assets = Object.entries(ASSETS).map(([name, type]) => {
  const body = readFileSync(new URL(`../../assets/${name}`, import.meta.url));
  return { name, type, body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
});

/**
 * Mounts the agent's live page on `router`, under `/t/:tenant/agent`:
 * `GET ?link=<token>` (the sign-in link) → `POST /signin` (uses it, sets the session cookie) → `GET` (the
 * page, or 401) with `GET /stream` (Server-Sent Events of the agent's cards) and `GET /recent` (today's
 * cards, JSON), and the page's `page.js`, `page.css`, `icon.svg`.
 * Mount it before a route that would take `/t/:tenant/:step`, or `agent` is read as a step.
 */
export function agentRoutes(router: Router, options: AgentPageOptions): AgentRoutes {
  const { links, bus, log } = options;
  const cookie = options.cookieName ?? "santral_agent";
  const open: OpenStreams = new Set();
  const streamOptions = {
    links,
    bus,
    log,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    sessionCheckMs: options.sessionCheckMs ?? 30_000,
  };

  /** The tenant of the URL when it can be one, with the page's base path; else a 404 is answered. */
  const tenantOf = (ctx: Context): { tenant: string; base: string } | undefined => {
    const tenant = String(ctx.params.tenant ?? "");
    if (TENANT_ID.test(tenant) && (options.knownTenant?.(tenant) ?? true))
      return { tenant, base: `/t/${tenant}/agent` };
    html(ctx, 404, messagePage("", "Sayfa bulunamadı", "Böyle bir çağrı sayfası yok. Bağlantıyı kontrol edin."));
    return undefined;
  };

  /** The signed-in agent of this tenant (the cookie's session, checked against the URL's tenant). */
  const signedIn = async (ctx: Context, tenant: string) => {
    const secret = ctx.cookies.get(cookie);
    const agent = secret ? await links.session(tenant, secret) : undefined;
    return { agent, secret, hadCookie: secret !== undefined };
  };

  const clearCookie = (ctx: Context, base: string) => ctx.cookies.set(cookie, null, { path: base });

  const guarded =
    (what: string, handler: (ctx: Context) => Promise<void>) =>
    async (ctx: Context): Promise<void> => {
      try {
        await handler(ctx);
      } catch (err) {
        log?.error({ err, tenant: ctx.params.tenant }, `agent page: ${what} failed`);
        if (!ctx.respond || ctx.headerSent) return;
        const message = "Çağrı sayfası şu an açılamıyor; biraz sonra yeniden deneyin.";
        const base = TENANT_ID.test(String(ctx.params.tenant)) ? `/t/${ctx.params.tenant}/agent` : "";
        if (what === "page" || what === "sign-in") html(ctx, 503, messagePage(base, "Geçici bir sorun", message));
        else json(ctx, 503, { error: "unavailable", message });
      }
    };

  router.get(
    "/t/:tenant/agent",
    guarded("page", async (ctx) => {
      const where = tenantOf(ctx);
      if (!where) return;
      const { tenant, base } = where;
      if (ctx.query.link !== undefined) {
        const token = typeof ctx.query.link === "string" ? ctx.query.link.slice(0, 64) : "";
        return html(ctx, 200, signInPage(base, token));
      }
      const { agent, hadCookie } = await signedIn(ctx, tenant);
      if (agent) return html(ctx, 200, agentPage(base));
      if (!hadCookie && ctx.get("Sec-Fetch-Site") === "cross-site" && ctx.get("Sec-Fetch-Mode") === "navigate") {
        // a SameSite=Strict cookie is not sent on a navigation from another site: open the page again from here
        return html(ctx, 200, messagePage(base, "Çağrılarım", "Sayfa açılıyor…", base));
      }
      if (hadCookie) clearCookie(ctx, base);
      html(ctx, 401, messagePage(base, "Giriş gerekli", REFUSED[hadCookie ? "session-ended" : "signed-out"]));
    }),
  );

  router.post(
    "/t/:tenant/agent/signin",
    guarded("sign-in", async (ctx) => {
      const where = tenantOf(ctx);
      if (!where) return;
      const { tenant, base } = where;
      if (!fromOwnPage(ctx)) {
        return html(ctx, 403, messagePage(base, "Giriş yapılamadı", REFUSED.unknown));
      }
      const body = await getRawBody(ctx.req, { limit: 1024, encoding: "utf8" }).catch(() => "");
      const result = await links.exchange(tenant, new URLSearchParams(body).get("link") ?? "");
      if (result.ok) {
        ctx.cookies.set(cookie, result.session, {
          httpOnly: true,
          sameSite: "strict",
          secure: ctx.secure,
          path: base,
          maxAge: Math.max(0, result.expiresAt - Date.now()),
          overwrite: true,
        });
        log?.info({ tenant, extension: result.identity.extension, link: result.identity.linkId }, "agent signed in");
        return seeOther(ctx, base);
      }
      // the link opened again by an agent it already signed in (a second click in the message): just go in
      if ((await signedIn(ctx, tenant)).agent) return seeOther(ctx, base);
      log?.warn({ tenant, reason: result.reason }, "agent sign-in refused");
      html(ctx, 401, messagePage(base, "Giriş yapılamadı", REFUSED[result.reason]));
    }),
  );

  router.get(
    "/t/:tenant/agent/stream",
    guarded("stream", async (ctx) => {
      const where = tenantOf(ctx);
      if (!where) return;
      const { agent, secret } = await signedIn(ctx, where.tenant);
      secureHeaders(ctx);
      if (!agent || !secret) return json(ctx, 401, { error: "signed_out", message: REFUSED["session-ended"] });
      await openStream(ctx, agent, secret, streamOptions, open);
    }),
  );

  router.get(
    "/t/:tenant/agent/recent",
    guarded("recent", async (ctx) => {
      const where = tenantOf(ctx);
      if (!where) return;
      const { agent } = await signedIn(ctx, where.tenant);
      if (!agent) return json(ctx, 401, { error: "signed_out", message: REFUSED["session-ended"] });
      const cards = (await bus.recent(agent.tenant)).filter((card) => visibleTo(card, agent));
      json(ctx, 200, { agent: publicAgent(agent), cards });
    }),
  );

  for (const asset of assets) {
    router.get(`/t/:tenant/agent/${asset.name}`, async (ctx) => {
      secureHeaders(ctx, "no-cache");
      ctx.set("ETag", asset.etag);
      ctx.type = asset.type;
      if (ctx.get("If-None-Match") === asset.etag) {
        ctx.status = 304;
        return;
      }
      ctx.body = asset.body;
    });
  }

  return {
    close: () => {
      for (const end of [...open]) end();
    },
    openStreams: () => open.size,
  };
}

/**
 * Whether a POST comes from the hub's own page: by Sec-Fetch-Site, which browsers send, else by Origin. The
 * sign-in page sends no referrer, so its Origin is "null"; koa 3's ctx.origin is that header, not our own.
 */
function fromOwnPage(ctx: Context): boolean {
  const site = ctx.get("Sec-Fetch-Site");
  if (site) return site === "same-origin";
  const origin = ctx.get("Origin");
  return origin === "" || origin === "null" || origin === `${ctx.protocol}://${ctx.host}`;
}

function publicAgent(agent: AgentIdentity) {
  return { extension: agent.extension, queues: agent.queues };
}

function html(ctx: Context, status: number, body: string): void {
  secureHeaders(ctx);
  ctx.status = status;
  ctx.type = "text/html; charset=utf-8";
  ctx.body = body;
}

function json(ctx: Context, status: number, body: object): void {
  secureHeaders(ctx);
  ctx.status = status;
  ctx.type = "application/json; charset=utf-8";
  ctx.body = body;
}

function seeOther(ctx: Context, to: string): void {
  secureHeaders(ctx);
  ctx.redirect(to);
  ctx.status = 303; // a GET of the page after the POST
}
