import type { Context } from "koa";
import { answer } from "./answer.js";
import { cacheKey } from "./cache/key.js";
import { callLine } from "./call-log.js";
import { type NetsantralReply, parseCall, writeReply } from "./dialect/netsantral.js";
import type { Hub } from "./hub/hub.js";
import { readInbound } from "./inbound/body.js";
import { lookupCaller, queryFor } from "./lookup/lookup-caller.js";

/** One call, top to bottom: the seven stages of DESIGN.md. */
export async function handleCall(hub: Hub, ctx: Context): Promise<NetsantralReply> {
  const started = performance.now();
  const { fields, format } = readInbound(ctx); // 1 inbound
  const tenant = hub.authenticate(ctx.params.tenant, fields); // 2 tenant
  const step = hub.step(tenant, ctx.params.step);
  const { config } = tenant;
  const call = parseCall(fields, format, config.region); // 3 call
  const query = queryFor(step.lookup, call);
  const found = await lookupCaller(tenant.adapter, query, {
    policy: tenant.policy,
    region: config.region,
    deadlineMs: step.deadlineMs,
    limitMs: config.cache.lookupLimitMs,
    cache: query
      ? { lookup: hub.cache, key: cacheKey(config.id, tenant.cacheHash, query), ttls: config.cache }
      : undefined,
    log: hub.log,
  }); // 4 lookup
  const { match, decision, emptyRedirect } = answer(tenant, step, call, found, hub.now()); // 5 decide, 6 speak
  if (emptyRedirect !== undefined) {
    hub.log.warn(
      { tenant: config.id, step: step.name, rule: emptyRedirect },
      "redirect rendered empty; answering the fallback",
    );
  }
  hub.log.info(
    callLine(call, { tenant: config.id, step: step.name, found, rule: match.rule, decision, started }),
    "call",
  );
  return writeReply(decision); // 7 reply
}
