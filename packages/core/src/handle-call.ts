import type { Context } from "koa";
import { ROUTING_TARGETS } from "./call.js";
import { type NetsantralReply, parseCall, writeReply } from "./dialect/netsantral.js";
import type { Hub } from "./hub/hub.js";
import { compiled } from "./hub/live-tenant.js";
import { readInbound } from "./inbound/body.js";
import { maskNumber } from "./log.js";
import { lookupCaller, queryFor } from "./lookup/lookup-caller.js";
import { matchRule } from "./rules/decide.js";
import { render, templateScope } from "./speech/render.js";

const NEEDS_REDIRECT = new Set<string>(ROUTING_TARGETS.filter((t) => t !== "hangup"));

/** One call, top to bottom: the seven stages of DESIGN.md. */
export async function handleCall(hub: Hub, ctx: Context): Promise<NetsantralReply> {
  const started = performance.now();
  const { fields, format } = readInbound(ctx); // 1 inbound
  const tenant = hub.authenticate(ctx.params.tenant, fields); // 2 tenant
  const step = hub.step(tenant, ctx.params.step);
  const { config } = tenant;
  const call = parseCall(fields, format, config.region); // 3 call
  const found = await lookupCaller(tenant.adapter, queryFor(step.lookup, call), {
    policy: tenant.policy,
    region: config.region,
    deadlineMs: step.deadlineMs,
    log: hub.log,
  }); // 4 lookup
  const facts = { contact: found.contact, call, ambiguous: found.ambiguous, lookupFailed: found.failed };
  let match = matchRule(step, { ...facts, now: hub.now(), timezone: config.timezone }); // 5 decide
  const scope = templateScope(found.contact, call, config.tokenField);
  let decision = render(compiled(tenant, match.reply), scope, config.speech.maxLength); // 6 speak
  if (NEEDS_REDIRECT.has(decision.result) && !decision.redirect) {
    // e.g. `redirect: "{{ contact.owner.extension }}"` for a contact without one: never route nowhere
    hub.log.warn(
      { tenant: config.id, step: step.name, rule: match.rule },
      "redirect rendered empty; answering the fallback",
    );
    match = { reply: step.fallback, rule: "fallback" };
    decision = render(compiled(tenant, step.fallback), scope, config.speech.maxLength);
  }
  hub.log.info(
    {
      callId: call.callId,
      tenant: config.id,
      step: step.name,
      format,
      caller: maskNumber(call.caller?.e164 ?? call.callerRaw),
      candidates: found.candidates,
      dropped: found.dropped.length,
      resolver: found.resolver,
      ambiguous: found.ambiguous,
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
