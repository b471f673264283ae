import type { CallEvent, Decision } from "./call.js";
import { type HubLogger, maskNumber } from "./log.js";
import type { Found } from "./lookup/lookup-caller.js";
import type { CallOutcome } from "./metrics/hub-metrics.js";

export interface CallFacts {
  tenant: string;
  step: string;
  outcome: CallOutcome;
  found: Found;
  rule: number | "fallback";
  decision: Decision;
  started: number;
}

function maskedCaller(call: CallEvent): string {
  return maskNumber(call.caller?.e164 ?? call.callerRaw);
}

/** Whether the call waited on the CRM: not when the cache answered, nor when nothing was asked. */
function asked(at: CallFacts): boolean {
  const { cache } = at.found;
  return (
    cache !== "hit" &&
    cache !== "stale" &&
    at.outcome !== "none" &&
    at.outcome !== "throttled" &&
    at.outcome !== "loading"
  );
}

/**
 * The one log line of a call: who (masked), where, how the lookup went and what was answered. Fields that
 * hold their usual value are left out, so `crmMs` is absent when no CRM was asked (the cache answered, there
 * was nothing to look up, or the call was throttled), and `cache` without a cache (no lookup).
 */
export function writeCallLine(log: HubLogger, call: CallEvent, at: CallFacts): void {
  if (!log.isLevelEnabled("info")) return;
  const { found } = at;
  const line: Record<string, unknown> = {
    callId: call.callId,
    tenant: at.tenant,
    step: at.step,
    format: call.format,
    caller: maskedCaller(call),
    outcome: at.outcome,
    result: at.decision.result,
    rule: at.rule,
    ms: Math.round(performance.now() - at.started),
  };
  if (found.cache) line.cache = found.cache;
  if (asked(at)) line.crmMs = Math.round(found.crmMs);
  if (found.resolver) line.resolver = found.resolver;
  if (found.dropped.length > 0) line.dropped = found.dropped.length;
  if (found.ambiguous) line.ambiguous = true;
  if (found.choice?.companyFallback) line.companyFallback = true;
  if (found.choice?.nameWithheld) line.nameWithheld = true;
  if (found.error) line.crmError = found.error.kind;
  log.info(line, "call");
}
