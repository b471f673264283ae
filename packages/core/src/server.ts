import Router from "@koa/router";
import Koa from "koa";
import { handleCall } from "./handle-call.js";
import { readiness } from "./health.js";
import type { Hub } from "./hub/hub.js";
import { RequestError } from "./inbound/errors.js";
import { metricsEndpoint } from "./metrics/endpoint.js";

/**
 * The HTTP face of the hub: the call URLs, and errors in the shape the PBX understands; `/healthz` and
 * `/readyz` for the load balancer; `/metrics`, unless hub.yaml moves it to a port of its own.
 */
export function createApp(hub: Hub): Koa {
  const app = new Koa();
  const router = new Router();

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof RequestError;
      ctx.status = known ? error.status : 500;
      ctx.body = known && error.expose ? { status: "error", message: error.message } : { status: "error" };
      const code = known ? error.code : "internal";
      hub.metrics.refusedRequest(code);
      if (code === "rate_limited") return; // logged once in a while per tenant, not per call (call-rate.ts)
      const level = known ? "warn" : "error";
      hub.log[level](
        { status: ctx.status, code, path: ctx.path, err: known ? undefined : error },
        known ? error.message : "unexpected error while answering a call",
      );
    } finally {
      // shutting down: a kept-alive connection is closed after this answer, so the PBX reconnects elsewhere
      if (hub.draining) ctx.set("Connection", "close");
    }
  });

  router.get("/", (ctx) => {
    ctx.body = { service: "santral-hub", tenants: hub.tenants().length };
  });
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", (ctx) => {
    const ready = readiness(hub);
    ctx.status = ready.status === "ready" ? 200 : 503;
    ctx.body = ready;
  });
  if (hub.config.metrics.port === undefined) {
    const metrics = metricsEndpoint(hub);
    router.get("/metrics", async (ctx) => {
      const answer = await metrics(ctx.get("Authorization") || undefined);
      ctx.status = answer.status;
      ctx.set({ ...answer.headers, "Content-Type": answer.type });
      ctx.body = answer.body;
    });
  }
  const call = async (ctx: Koa.Context) => {
    const reply = await handleCall(hub, ctx);
    // the header first: a string body then skips Koa's content-type guess
    ctx.set("Content-Type", "application/json; charset=utf-8");
    ctx.body = reply;
  };
  router.all(["/t/:tenant{/:step}", "/call{/:step}"], call);

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
