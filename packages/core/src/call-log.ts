import type { CallEvent, Decision } from "./call.js";
import { maskNumber } from "./log.js";
import type { Found } from "./lookup/lookup-caller.js";
import type { CallOutcome } from "./metrics/hub-metrics.js";

/**
 * The one log line of a call: who (masked), where, how the lookup went and what was answered. Fields that
 * hold their usual value are left out: the line is written for every call, and its size is its cost. So
 * `crmMs` is absent when the cache answered (no CRM was asked), and `cache` without a cache (no lookup).
 */
export function callLine(
  call: CallEvent,
  at: {
    tenant: string;
    step: string;
    outcome: CallOutcome;
    found: Found;
    rule: number | "fallback";
    decision: Decision;
    started: number;
  },
): Record<string, unknown> {
  const { found } = at;
  const line: Record<string, unknown> = {
    callId: call.callId,
    tenant: at.tenant,
    step: at.step,
    format: call.format,
    caller: maskNumber(call.caller?.e164 ?? call.callerRaw),
    outcome: at.outcome,
    result: at.decision.result,
    rule: at.rule,
    ms: Math.round(performance.now() - at.started),
  };
  if (found.cache) line.cache = found.cache;
  if (found.cache !== "hit" && found.cache !== "stale") line.crmMs = Math.round(found.crmMs);
  if (found.resolver) line.resolver = found.resolver;
  if (found.dropped.length > 0) line.dropped = found.dropped.length;
  if (found.ambiguous) line.ambiguous = true;
  if (found.choice?.companyFallback) line.companyFallback = true;
  if (found.choice?.nameWithheld) line.nameWithheld = true;
  if (found.error) line.crmError = found.error.kind;
  return line;
}
