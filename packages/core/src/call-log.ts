import type { Phone } from "@santral-hub/sdk";
import { pino } from "pino";
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

// Callers call again, and their Phone objects are shared between calls (see dialects/netsantral/call.ts).
const masked = new WeakMap<Phone, string>();

function maskedCaller(call: CallEvent): string {
  const phone = call.caller;
  if (!phone) return maskNumber(call.callerRaw);
  let text = masked.get(phone);
  if (text === undefined) {
    text = maskNumber(phone.e164);
    masked.set(phone, text);
  }
  return text;
}

const str = JSON.stringify;
const INFO = 30; // pino's level number for info
const { timeSym, chindingsSym, streamSym } = pino.symbols;

/** What pino keeps for its integrations: the time field, the bindings already serialised, the stream. */
function pinoParts(log: HubLogger) {
  const parts = log as unknown as Record<symbol, unknown>;
  return {
    time: parts[timeSym] as () => string,
    bindings: parts[chindingsSym] as string,
    stream: parts[streamSym] as { write(line: string): unknown },
  };
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
 *
 * The line is written for every call, so it is put together here, in pino's own line format (its level,
 * time and bindings, read through `pino.symbols`), rather than by pino's generic serializer, which cost
 * a call several times as much. It goes to the logger's stream like any other line.
 */
export function writeCallLine(log: HubLogger, call: CallEvent, at: CallFacts): void {
  if (log.levelVal > INFO) return;
  const { found } = at;
  const parts = pinoParts(log);
  let line = `{"level":30${parts.time()}${parts.bindings},"callId":${str(call.callId)},"tenant":${str(at.tenant)},"step":${str(at.step)},"format":"${call.format}","caller":${str(maskedCaller(call))},"outcome":"${at.outcome}","result":${str(at.decision.result)},"rule":${str(at.rule)},"ms":${Math.round(performance.now() - at.started)}`;
  if (found.cache) line += `,"cache":"${found.cache}"`;
  if (asked(at)) line += `,"crmMs":${Math.round(found.crmMs)}`;
  if (found.resolver) line += `,"resolver":${str(found.resolver)}`;
  if (found.dropped.length > 0) line += `,"dropped":${found.dropped.length}`;
  if (found.ambiguous) line += `,"ambiguous":true`;
  if (found.choice?.companyFallback) line += `,"companyFallback":true`;
  if (found.choice?.nameWithheld) line += `,"nameWithheld":true`;
  if (found.error) line += `,"crmError":${str(found.error.kind)}`;
  parts.stream.write(`${line},"msg":"call"}\n`);
}
