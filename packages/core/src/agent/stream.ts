import type { Logger } from "@santral-hub/sdk";
import { createSession, type Session } from "better-sse";
import type { Context } from "koa";
import type { Card } from "../calls/types.js";
import type { AgentLinks } from "./links.js";
import type { AgentIdentity, CardBus } from "./types.js";
import { visibleTo } from "./visible.js";

export interface StreamOptions {
  links: AgentLinks;
  bus: CardBus;
  log?: Logger | undefined;
  /** A comment line this often keeps proxies from closing an idle stream (ms). */
  heartbeatMs: number;
  /** The session is checked again this often, so a revoked agent's open page stops (ms). */
  sessionCheckMs: number;
}

/** The open streams of one mount, so a shutting-down hub can end them (a stream never ends by itself). */
export type OpenStreams = Set<() => void>;

/**
 * Server-Sent Events of the cards this agent may see (`card` events, JSON), until the page closes or the
 * session ends (`signed-out`, then the stream is closed). Before each card the session is checked again:
 * a card never reaches a page whose session was revoked, on whichever node it was revoked.
 */
export async function openStream(
  ctx: Context,
  agent: AgentIdentity,
  secret: string,
  options: StreamOptions,
  open: OpenStreams,
): Promise<void> {
  const { links, bus, log } = options;
  let session: Session | undefined;
  let started!: (session: Session | undefined) => void;
  const ready = new Promise<Session | undefined>((resolve) => {
    started = resolve;
  });
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    clearInterval(timer);
    open.delete(close);
    started(undefined);
    if (!ctx.res.writableEnded) ctx.res.end();
  };
  const stillSignedIn = async (): Promise<boolean> => {
    const current = await links.session(agent.tenant, secret).catch(() => agent); // an outage is not a sign-out
    if (current && !closed) return true;
    if (!closed) session?.push({ reason: "session-ended" }, "signed-out");
    close();
    return false;
  };
  // cards that come while the response is being started wait for it, in order
  const deliver = async (card: Card) => {
    const sse = await ready;
    if (closed || !sse?.isConnected || !(await stillSignedIn())) return;
    sse.push(card, "card");
  };

  ctx.res.on("close", close); // the response, not the request: a GET's request may close as soon as it is read
  // subscribed before the response starts: once the page sees the stream open, no card can slip past it
  unsubscribe = await bus.subscribe(agent.tenant, (card) => {
    if (visibleTo(card, agent))
      chain = chain.then(() => deliver(card)).catch((err) => log?.error({ err }, "agent page: a card was not sent"));
  });
  if (closed) return void unsubscribe();
  ctx.respond = false; // better-sse writes the response itself
  ctx.req.socket.setNoDelay(true);
  session = await createSession(ctx.req, ctx.res, {
    statusCode: 200, // else koa's default 404, which better-sse takes from the response
    keepAlive: options.heartbeatMs,
    retry: 3000,
    trustClientEventId: false,
    headers: { "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
  session.on("disconnected", close);
  open.add(close);
  session.push({ extension: agent.extension, queues: agent.queues }, "ready");
  started(session);
  timer = setInterval(() => void stillSignedIn(), options.sessionCheckMs);
  timer.unref();
}
