import { type Contact, type CrmAdapter, isCrmError, type Logger, type LookupQuery } from "@santral-hub/sdk";
import type { CacheOutcome, CacheTtls, LookupCache } from "../cache/lookup-cache.js";
import type { CallEvent } from "../call.js";
import type { LookupKind } from "../tenants/types.js";
import { type Choice, choose, type MatchPolicy } from "./policy.js";
import { type Check, verifyCandidates } from "./verify.js";

export interface Found {
  contact: Contact | null;
  ambiguous: boolean;
  /** The CRM could not tell: an error, not a miss. */
  failed: boolean;
  /** What was returned, kept and dropped, and which resolver decided: for logs and `explain`. */
  candidates: number;
  returned: Contact[];
  dropped: Contact[];
  kept: Contact[];
  /** Each candidate's stored phones as parsed; null when they were not checked (a typed customer number). */
  checks: Check[] | null;
  resolver: Choice["resolver"];
  /** The policy's whole answer; null when there was nothing to choose from (no query, or the CRM failed). */
  choice: Choice | null;
  error?: { kind: string; message: string };
  crmMs: number;
  /** How the cache answered; absent without a cache, or when the CRM failed. */
  cache?: CacheOutcome;
  /** Milliseconds spent in each part of stage 4. */
  timings: { lookup: number; verify: number; choose: number };
}

// Every call starts with these; a lookup replaces them with its own arrays, never fills them.
const NONE: Contact[] = Object.freeze([]) as unknown as Contact[];

export interface LookupOptions {
  policy: MatchPolicy;
  region: string;
  /** The caller waits no longer: past it the call gets the fallback. */
  deadlineMs: number;
  /**
   * When the request arrived (`performance.now()`): the deadline counts from it, so the time spent reading
   * and parsing the request under load is the caller's wait too. Default: now.
   */
  startedAt?: number;
  /** With a cache: how long the lookup may go on in the background; then it is aborted. */
  limitMs?: number;
  cache?: { lookup: LookupCache; key: string; ttls: CacheTtls };
  log: Logger;
  /** Whose lookup this is, for the log. */
  tenant?: string;
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
  opts: LookupOptions,
): Promise<Found> {
  if (!query) return notFound();
  const { cache } = opts;
  return (cache && freshFound(cache.lookup, cache.key, opts.policy)) ?? asking(adapter, query, opts, notFound());
}

/**
 * Stage 4 at once, for a fresh answer the in-process cache holds: the caller is spared the await (and the
 * async function) of `lookupCaller`. Undefined when the cache has none: then call `lookupCaller`.
 */
export function freshFound(cache: LookupCache, key: string, policy: MatchPolicy): Found | undefined {
  const fresh = cache.fresh(key);
  if (!fresh) return undefined;
  const found = notFound();
  found.cache = "hit";
  return choosing(found, fresh, policy);
}

/** A Found for a call that asked nothing (yet). */
export function notFound(): Found {
  return {
    contact: null,
    ambiguous: false,
    failed: false,
    candidates: 0,
    returned: NONE,
    dropped: NONE,
    kept: NONE,
    checks: null,
    resolver: null,
    choice: null,
    crmMs: 0,
    timings: { lookup: 0, verify: 0, choose: 0 },
  };
}

/** The rest of stage 4: the cache or the CRM, within the deadline. */
async function asking(adapter: CrmAdapter, query: LookupQuery, opts: LookupOptions, found: Found): Promise<Found> {
  const { cache } = opts;
  const started = performance.now();
  const due = (opts.startedAt ?? started) + opts.deadlineMs;
  let kept: Contact[];
  try {
    // Under a cache the CRM lookup may outlive the call: it goes on after the deadline, up to the hard
    // limit, so the next call finds the answer.
    const pending = cache
      ? cache.lookup
          .get(cache.key, cache.ttls, () => askCrm(adapter, query, opts, found, started))
          .then((answer) => {
            found.cache = answer.outcome;
            return answer.contacts;
          })
      : askCrm(adapter, query, opts, found, started);
    kept = await withDeadline(pending, due);
  } catch (error) {
    found.failed = true;
    found.error = isTimeout(error)
      ? { kind: "timeout", message: `no answer within ${opts.deadlineMs} ms` }
      : isCrmError(error)
        ? { kind: error.kind, message: error.message }
        : { kind: "unavailable", message: error instanceof Error ? error.message : String(error) };
    return found;
  } finally {
    found.timings.lookup = performance.now() - started;
    // how long the caller waited on the CRM, when its own lookup did not say: one cut by the deadline, or
    // one that shared another call's lookup (a lookup going on in the background must not rewrite it)
    if (found.crmMs === 0) found.crmMs = found.timings.lookup;
  }
  return choosing(found, kept, opts.policy);
}

/** Asks the CRM, within `limitMs`, and keeps the candidates that really carry the caller's number. */
async function askCrm(
  adapter: CrmAdapter,
  query: LookupQuery,
  opts: { region: string; deadlineMs: number; limitMs?: number; log: Logger; tenant?: string },
  found: Found,
  started: number,
): Promise<Contact[]> {
  // a timer cleared when the lookup ends (AbortSignal.timeout would keep one alive per call until it fires)
  const limit = new AbortController();
  const limitMs = opts.limitMs ?? opts.deadlineMs;
  const timer = setTimeout(() => limit.abort(limitReason(limitMs)), limitMs);
  const { signal } = limit;
  let returned: Contact[];
  try {
    returned = await Promise.race([adapter.lookup(query, { signal, log: opts.log }), rejectOnAbort(signal)]);
  } finally {
    clearTimeout(timer);
    if (found.crmMs === 0) found.crmMs = performance.now() - started;
  }
  found.candidates = returned.length;
  if (returned.length > MAX_RECORDS) returned = tooMany(adapter, returned, opts);
  found.returned = returned;
  if (!query.phone) return returned;
  const verifying = performance.now();
  const verified = verifyCandidates(returned, query.phone.e164, opts.region);
  found.dropped = verified.dropped;
  found.checks = verified.checks;
  found.timings.verify = performance.now() - verifying;
  return verified.kept;
}

// The reason a lookup is aborted at its limit, one per limit: hung lookups started together are aborted
// together, and a DOMException each (a stack trace captured apiece) made that burst of aborts dearer.
const limitReasons = new Map<number, DOMException>();
function limitReason(ms: number): DOMException {
  let reason = limitReasons.get(ms);
  if (!reason) {
    reason = new DOMException(`no answer within ${ms} ms`, "TimeoutError");
    limitReasons.set(ms, reason);
  }
  return reason;
}

/** The sdk's cap on what `lookup` returns (`CrmAdapter.lookup`: "at most `limit` (default 10)"). */
export const MAX_RECORDS = 10;
/** How often one adapter returning too many records is logged. */
const TOO_MANY_EVERY_MS = 60_000;
const tooManyWarned = new WeakMap<CrmAdapter, number>();

/**
 * The first `MAX_RECORDS` of a plugin's answer (best first, by the contract), so a CRM returning thousands
 * cannot block the event loop verifying, choosing and caching them; logged once a minute per adapter.
 */
function tooMany(adapter: CrmAdapter, returned: Contact[], opts: { log: Logger; tenant?: string }): Contact[] {
  const now = performance.now();
  if (now - (tooManyWarned.get(adapter) ?? Number.NEGATIVE_INFINITY) >= TOO_MANY_EVERY_MS) {
    tooManyWarned.set(adapter, now);
    opts.log.warn(
      { tenant: opts.tenant, code: "too_many_records", returned: returned.length, kept: MAX_RECORDS },
      `the CRM plugin returned ${returned.length} records for one lookup; using the first ${MAX_RECORDS} (its contract's limit)`,
    );
  }
  return returned.slice(0, MAX_RECORDS);
}

/** The last part of stage 4: the match policy picks among the verified candidates. */
function choosing(found: Found, kept: Contact[], policy: MatchPolicy): Found {
  found.kept = kept;
  const started = performance.now();
  const choice = choose(kept, policy);
  found.timings.choose = performance.now() - started;
  found.choice = choice;
  found.contact = choice.contact;
  found.ambiguous = choice.ambiguous;
  found.resolver = choice.resolver;
  return found;
}

// One error for every call past its deadline: built once, so a deadline firing for many calls at once
// does not capture a stack trace per call on the event loop the replies are waiting for.
const DEADLINE = new DOMException("no answer by the deadline", "TimeoutError");

/**
 * Settles with `pending`, or rejects with a TimeoutError at `due` (`performance.now()` time); `pending` goes
 * on, and its late end, answer or failure, is dropped quietly (nor is a failure cached). One promise and one
 * timer a call (the timer given its argument rather than a closure); the error is the one shared DEADLINE.
 */
export function withDeadline<T>(pending: Promise<T>, due: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // whole milliseconds: Node groups timers in one list per duration, and calls of one deadline share a few
    const timer = setTimeout(reject, Math.max(0, Math.round(due - performance.now())), DEADLINE);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

function isTimeout(error: unknown): boolean {
  return error === DEADLINE || (error instanceof DOMException && error.name === "TimeoutError");
}
