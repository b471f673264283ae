import type { Context } from "koa";
import { answer } from "./answer.js";
import { cacheKey } from "./cache/key.js";
import { type NetsantralReply, parseCall, writeReply } from "./dialect/netsantral.js";
import type { Hub } from "./hub/hub.js";
import { readInbound } from "./inbound/body.js";
import { maskNumber } from "./log.js";
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
    {
      callId: call.callId,
      tenant: config.id,
      step: step.name,
      format,
      caller: maskNumber(call.caller?.e164 ?? call.callerRaw),
      cache: found.cache,
      candidates: found.candidates,
      dropped: found.dropped.length,
      resolver: found.resolver,
      ambiguous: found.ambiguous,
      companyFallback: found.choice?.companyFallback || undefined,
      nameWithheld: found.choice?.nameWithheld || undefined,
      crmError: found.error?.kind,
      rule: match.rule,
      result: decision.result,
      crmMs: Math.round(found.crmMs),
      ms: Math.round(performance.now() - started),
    },
    "call",
  );
  return writeReply(decision); // 7 reply
}
