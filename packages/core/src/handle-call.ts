import type { Context } from "koa";
import { answer, renderFallback } from "./answer.js";
import { cacheKey } from "./cache/key.js";
import type { CallEvent } from "./call.js";
import { writeCallLine } from "./call-log.js";
import type { WireReply } from "./dialects/dialect.js";
import type { CalledTenant, Hub } from "./hub/hub.js";
import { readInbound } from "./inbound/body.js";
import { type Found, freshFound, lookupCaller, notFound, queryFor, withDeadline } from "./lookup/lookup-caller.js";
import type { CallOutcome } from "./metrics/hub-metrics.js";
import type { StepConfig } from "./tenants/types.js";

/**
 * One call, top to bottom: the seven stages of DESIGN.md, stages 3 and 7 in the tenant's dialect. Resolves
 * to the reply as it goes on the wire.
 */
export async function handleCall(hub: Hub, ctx: Context): Promise<WireReply> {
  const started = performance.now();
  const { fields, format } = await readInbound(ctx, hub.config.limits.body); // 1 inbound
  const reached = hub.tenantFor(ctx.params.tenant, fields); // 2 tenant
  const called = reached instanceof Promise ? await reached : reached;
  const { config } = called;
  ctx.state.dialect = config.dialect; // a refusal from here on is written in the tenant's dialect
  hub.authenticate(called, fields);
  const step = hub.step(called, ctx.params.step);
  const call = config.dialect.readCall(fields, format, config.region); // 3 call
  // a tenant still starting may be ready within the step's deadline; else its fallback, at the deadline
  const due = started + step.deadlineMs;
  const tenant = called.loading ? await withDeadline(called.live, due).catch(() => undefined) : called;
  if (!tenant) return withoutCrm(hub, called, step, call, started, "loading");
  if (!hub.admit(tenant, started)) return withoutCrm(hub, tenant, step, call, started, "throttled");
  const query = queryFor(step.lookup, call);
  const key = query ? cacheKey(config.id, tenant.cacheHash, query) : undefined;
  const found =
    (key !== undefined ? freshFound(hub.cache, key, tenant.policy) : undefined) ??
    (await lookupCaller(tenant.adapter, query, {
      policy: tenant.policy,
      region: config.region,
      deadlineMs: step.deadlineMs,
      startedAt: started, // the caller has waited since the request arrived
      limitMs: config.cache.lookupLimitMs,
      cache: key !== undefined ? { lookup: hub.cache, key, ttls: config.cache } : undefined,
      log: hub.log,
      tenant: config.id,
    })); // 4 lookup: at once from the in-process cache, else awaited
  const { match, decision, emptyRedirect, renderFailed } = answer(tenant, step, call, found, hub.now()); // 5, 6
  if (emptyRedirect !== undefined) {
    hub.log.warn(
      { tenant: config.id, step: step.name, rule: emptyRedirect },
      "redirect rendered empty; answering the fallback",
    );
  }
  for (const { rule, key, reason, message } of renderFailed ?? []) {
    // which template and why, never the contact's data (the message names a limit or a position)
    const then = rule === "fallback" ? "answering the fallback without its templates" : "answering the fallback";
    hub.log.warn({ tenant: config.id, step: step.name, rule, key, reason }, `${message}; ${then}`);
  }
  const outcome = outcomeOf(found, query !== null);
  writeCallLine(hub.log, call, {
    tenant: config.id,
    step: step.name,
    outcome,
    found,
    rule: match.rule,
    decision,
    started,
  });
  const late = found.error?.kind === "timeout"; // the deadline passed: answered without the CRM
  hub.metrics.call(config.id, step, outcome, found.cache, late, (performance.now() - started) / 1000);
  hub.follow?.remember(tenant, call, { step, rule: match.rule, decision, found, time: Date.now() });
  return config.dialect.reply(decision); // 7 reply
}

/**
 * A call answered with the step's fallback at once, without the CRM or the cache: over its tenant's rate
 * limit (`throttled`: the caller is still routed, as a 429 to the PBX would not, and the CRM and the other
 * tenants are spared the surge; counted in `santral_rate_limited_total`), or to a tenant whose plugin is
 * still starting (`loading`). Logged with its outcome.
 */
function withoutCrm(
  hub: Hub,
  tenant: CalledTenant,
  step: StepConfig,
  call: CallEvent,
  started: number,
  outcome: "throttled" | "loading",
): WireReply {
  const { config } = tenant;
  const speech = { tokenField: config.tokenField, maxLength: config.speech.maxLength };
  const { decision } = renderFallback(tenant, step, null, call, speech); // a failed template answers bare
  const found = notFound();
  writeCallLine(hub.log, call, {
    tenant: config.id,
    step: step.name,
    outcome,
    found,
    rule: "fallback",
    decision,
    started,
  });
  if (outcome === "throttled") hub.metrics.rateLimited(config.id);
  hub.metrics.call(config.id, step, outcome, undefined, false, (performance.now() - started) / 1000);
  hub.follow?.remember(tenant, call, { step, rule: "fallback", decision, found, time: Date.now() });
  return config.dialect.reply(decision);
}

/** What the lookup came to, for the call's log line and its metrics. */
function outcomeOf(found: Found, asked: boolean): CallOutcome {
  if (found.failed) return "failed";
  if (found.contact) return "known";
  if (found.ambiguous) return "ambiguous";
  return asked ? "unknown" : "none";
}
