import Router from "@koa/router";
import Koa from "koa";
import { handleCall } from "./handle-call.js";
import type { Hub } from "./hub/hub.js";
import { inboundBody } from "./inbound/body.js";
import { RequestError } from "./inbound/errors.js";

/** The HTTP face of the hub: the call URLs, and errors in the shape the PBX understands. */
export function createApp(hub: Hub): Koa {
  const app = new Koa();
  const router = new Router();
  const body = inboundBody(hub.config.limits.body);

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof RequestError;
      ctx.status = known ? error.status : 500;
      ctx.body = known && error.expose ? { status: "error", message: error.message } : { status: "error" };
      const level = known ? "warn" : "error";
      hub.log[level](
        { status: ctx.status, code: known ? error.code : "internal", path: ctx.path, err: known ? undefined : error },
        known ? error.message : "unexpected error while answering a call",
      );
    }
  });

  router.get("/", (ctx) => {
    ctx.body = { service: "santral-hub", tenants: hub.tenants().length };
  });
  const call = async (ctx: Koa.Context) => {
    ctx.body = await handleCall(hub, ctx);
  };
  router.all(["/t/:tenant", "/t/:tenant/:step", "/call", "/call/:step"], body, call);

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
