import { type Contact, type CrmAdapter, isCrmError, type Logger, type LookupQuery } from "@santral-hub/sdk";
import type { CallEvent } from "../call.js";
import type { LookupKind } from "../tenants/types.js";
import { type Choice, choose, type MatchPolicy } from "./policy.js";
import { verifyCandidates } from "./verify.js";

export interface Found {
  contact: Contact | null;
  ambiguous: boolean;
  /** The CRM could not tell: an error, not a miss. */
  failed: boolean;
  /** What was returned, kept and dropped, and which resolver decided: for logs and `explain`. */
  candidates: number;
  dropped: Contact[];
  kept: Contact[];
  resolver: Choice["resolver"];
  error?: { kind: string; message: string };
  crmMs: number;
}

/** The query a step asks for: the caller's number, the digits typed, or nothing. */
export function queryFor(kind: LookupKind, call: CallEvent): LookupQuery | null {
  if (kind === "phone") return call.caller ? { phone: call.caller } : null;
  if (kind === "customerNumber") return call.keys && /^\d+$/.test(call.keys) ? { customerNumber: call.keys } : null;
  return null;
}

/**
 * Stage 4: asks the tenant's CRM, keeps the candidates that really carry the caller's number (a typed
 * customer number is trusted as is), and picks one by the tenant's match policy.
 */
export async function lookupCaller(
  adapter: CrmAdapter,
  query: LookupQuery | null,
  opts: { policy: MatchPolicy; region: string; deadlineMs: number; log: Logger },
): Promise<Found> {
  const found: Found = {
    contact: null,
    ambiguous: false,
    failed: false,
    candidates: 0,
    dropped: [],
    kept: [],
    resolver: null,
    crmMs: 0,
  };
  if (!query) return found;
  const started = performance.now();
  let candidates: Contact[];
  try {
    // The caller waits in silence: past the step's deadline the lookup is aborted and the fallback answers.
    const signal = AbortSignal.timeout(opts.deadlineMs);
    candidates = await Promise.race([adapter.lookup(query, { signal, log: opts.log }), rejectOnAbort(signal)]);
  } catch (error) {
    found.failed = true;
    found.error = isTimeout(error)
      ? { kind: "timeout", message: `no answer within ${opts.deadlineMs} ms` }
      : isCrmError(error)
        ? { kind: error.kind, message: error.message }
        : { kind: "unavailable", message: error instanceof Error ? error.message : String(error) };
    return found;
  } finally {
    found.crmMs = performance.now() - started;
  }
  found.candidates = candidates.length;
  if (query.phone) {
    const verified = verifyCandidates(candidates, query.phone.e164, opts.region);
    found.kept = verified.kept;
    found.dropped = verified.dropped;
  } else {
    found.kept = candidates;
  }
  const choice = choose(found.kept, opts.policy);
  found.contact = choice.contact;
  found.ambiguous = choice.ambiguous;
  found.resolver = choice.resolver;
  return found;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}
