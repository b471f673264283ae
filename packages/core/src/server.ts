import Router from "@koa/router";
import Koa from "koa";
import { agentRoutes } from "./agent/routes.js";
import type { Dialect } from "./dialects/dialect.js";
import { RequestError } from "./errors/request-error.js";
import { receiveEvents } from "./follow/events-route.js";
import { handleCall } from "./handle-call.js";
import { readiness } from "./health.js";
import type { Hub } from "./hub/hub.js";
import { metricsEndpoint } from "./metrics/endpoint.js";
import { refusalsFor } from "./refusals.js";

/**
 * The HTTP face of the hub: the call URLs, and errors in the shape the tenant's PBX understands; `/healthz` and
 * `/readyz` for the load balancer; `/metrics` only where hub.yaml's `metrics.port` is `call`. A hub that
 * follows its calls also takes the PBX's events (`/t/<tenant>/events`) and serves the agents' page
 * (`/t/<tenant>/agent`).
 */
export function createApp(hub: Hub): Koa {
  const app = new Koa();
  const router = new Router();

  /**
   * Each route's errors in the shape the PBX understands, logged with what to change; while shutting down,
   * the kept-alive connection is closed after the answer, so the PBX reconnects elsewhere. Per route rather
   * than as an app middleware: a middleware layer costs every call its share.
   */
  const guarded =
    (handler: (ctx: Koa.Context) => unknown) =>
    async (ctx: Koa.Context): Promise<void> => {
      try {
        await handler(ctx);
      } catch (error) {
        refuse(hub, ctx, error);
      } finally {
        if (hub.draining) ctx.set("Connection", "close");
      }
    };

  router.get(
    "/",
    guarded((ctx) => {
      ctx.body = { service: "santral-hub", tenants: hub.tenants().length };
    }),
  );
  router.get(
    "/healthz",
    guarded((ctx) => {
      ctx.body = { status: "ok" };
    }),
  );
  router.get(
    "/readyz",
    guarded((ctx) => {
      const ready = readiness(hub);
      ctx.status = ready.status === "ready" ? 200 : 503;
      ctx.body = ready;
    }),
  );
  if (hub.config.metrics.port === "call") {
    const metrics = metricsEndpoint(hub);
    router.get(
      "/metrics",
      guarded(async (ctx) => {
        const answer = await metrics(ctx.get("Authorization") || undefined);
        ctx.status = answer.status;
        ctx.set({ ...answer.headers, "Content-Type": answer.type });
        ctx.body = answer.body;
      }),
    );
  }
  const { follow } = hub;
  if (follow) {
    // before `/t/:tenant/:step`, which would read `agent` and `events` as steps
    follow.pages = agentRoutes(router, {
      links: follow.links,
      bus: follow.bus,
      log: hub.log,
      knownTenant: (id) => hub.tenant(id) !== undefined,
    });
    router.post(
      "/t/:tenant/events",
      guarded((ctx) => receiveEvents(hub, follow, ctx)),
    );
  }
  const call = async (ctx: Koa.Context) => {
    const reply = await handleCall(hub, ctx);
    // the header first: a string body then skips Koa's content-type guess
    ctx.set("Content-Type", reply.type);
    ctx.body = reply.body;
  };
  router.all(["/t/:tenant{/:step}", "/call{/:step}"], guarded(call));

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * A refused request: its status and its dialect's error body (with what to change, when that may be shown),
 * in the dialect of the tenant it reached, or of the tenant its URL names, else the default one.
 */
function refuse(hub: Hub, ctx: Koa.Context, error: unknown): void {
  const known = error instanceof RequestError;
  ctx.status = known ? error.status : 500;
  const dialect: Dialect = ctx.state.dialect ?? hub.dialectFor(ctx.params?.tenant);
  const reply = dialect.refusal(known && error.expose ? error.message : undefined);
  ctx.set("Content-Type", reply.type);
  ctx.body = reply.body;
  const code = known ? error.code : "internal";
  hub.metrics.refusedRequest(code);
  // throttled per code and tenant: a flood of bad requests is a few lines, not one per request
  refusalsFor(hub.log).refused(
    known ? "warn" : "error",
    code,
    ctx.params?.tenant,
    { status: ctx.status, path: ctx.path, err: known ? undefined : error },
    known ? error.message : "unexpected error while answering a call",
  );
}
