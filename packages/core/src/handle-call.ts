import type { Context } from "koa";
import { answer } from "./answer.js";
import { cacheKey } from "./cache/key.js";
import { writeCallLine } from "./call-log.js";
import { parseCall, replyJson } from "./dialect/netsantral.js";
import type { Hub } from "./hub/hub.js";
import { readInbound } from "./inbound/body.js";
import { RequestError } from "./inbound/errors.js";
import { type Found, freshFound, lookupCaller, queryFor } from "./lookup/lookup-caller.js";
import type { CallOutcome } from "./metrics/hub-metrics.js";

/** One call, top to bottom: the seven stages of DESIGN.md. Resolves to the reply's JSON text. */
export async function handleCall(hub: Hub, ctx: Context): Promise<string> {
  const started = performance.now();
  const { fields, format } = await readInbound(ctx, hub.config.limits.body); // 1 inbound
  const tenant = hub.authenticate(ctx.params.tenant, fields); // 2 tenant
  if (!hub.admit(tenant, started)) {
    hub.metrics.rateLimited(tenant.config.id);
    throw new RequestError("rate_limited", "too many calls for this tenant", false);
  }
  const step = hub.step(tenant, ctx.params.step);
  const { config } = tenant;
  const call = parseCall(fields, format, config.region); // 3 call
  const query = queryFor(step.lookup, call);
  const key = query ? cacheKey(config.id, tenant.cacheHash, query) : undefined;
  const found =
    (key !== undefined ? freshFound(hub.cache, key, tenant.policy) : undefined) ??
    (await lookupCaller(tenant.adapter, query, {
      policy: tenant.policy,
      region: config.region,
      deadlineMs: step.deadlineMs,
      limitMs: config.cache.lookupLimitMs,
      cache: key !== undefined ? { lookup: hub.cache, key, ttls: config.cache } : undefined,
      log: hub.log,
    })); // 4 lookup: at once from the in-process cache, else awaited
  const { match, decision, emptyRedirect } = answer(tenant, step, call, found, hub.now()); // 5 decide, 6 speak
  if (emptyRedirect !== undefined) {
    hub.log.warn(
      { tenant: config.id, step: step.name, rule: emptyRedirect },
      "redirect rendered empty; answering the fallback",
    );
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
  return replyJson(decision); // 7 reply
}

/** What the lookup came to, for the call's log line and its metrics. */
function outcomeOf(found: Found, asked: boolean): CallOutcome {
  if (found.failed) return "failed";
  if (found.contact) return "known";
  if (found.ambiguous) return "ambiguous";
  return asked ? "unknown" : "none";
}
