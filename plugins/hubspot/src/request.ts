import { CrmError, type Logger, type RateLimiter } from "@santral-hub/sdk";
import type { AnsweredWindow, Slot } from "./answered-window.js";
import type { Auth } from "./auth.js";
import { toCrmError } from "./errors.js";
import { type Failure, failureOf } from "./failure.js";
import { PLUGIN_NAME } from "./name.js";
import { raceSignal, sleep } from "./signals.js";

export interface RequestOptions {
  auth: Auth;
  limits: { search: Budget; other: Budget };
  /** Per second, for messages. */
  rates: { search: number; other: number };
  retry: { maxWait: number; attempts: number };
  requestTimeout: number;
  log: Logger;
}

/** One of the account's budgets: this process's window, and the hub's when it passes one. */
export interface Budget {
  /** Counts a request until a second after its answer (see answered-window.ts). */
  local: AnsweredWindow;
  /** The hub's budget, shared with the other nodes on its Redis; counted from when a slot is taken. */
  shared?: RateLimiter;
}

/** A 429 without Retry-After: HubSpot's windows are a second (search) or ten (the burst limit). */
const POLICY_WAIT_MS: Record<string, number> = { SECONDLY: 1_000, TEN_SECONDLY_ROLLING: 10_000 };

/**
 * Sends one request the way every HubSpot call goes: the token (before the slot: a refresh is a request
 * of its own, and must not wait for slots held by requests waiting for it), then a slot of the account's
 * rate limit, held until the answer is in; a 401 refreshes an OAuth token and retries once; a 429 is
 * waited out as HubSpot says (`Retry-After`), but only when the wait is within `retry.maxWait`, at most
 * `retry.attempts` times, and while the lookup's signal lives. The plugin cannot see the step's deadline: core's signal is that
 * deadline (or, with a cache, the background limit), so a wait the signal cuts short, like a slot of the
 * limit that never comes, gives up as `rate_limited`. Everything else becomes a CrmError at once.
 */
export async function send<T>(
  o: RequestOptions,
  what: string,
  budget: "search" | "other",
  signal: AbortSignal,
  call: (token: string, signal: AbortSignal) => Promise<T>,
  options: { background?: boolean } = {},
): Promise<T> {
  let refreshed = false;
  let waits = 0;
  for (;;) {
    const token = await o.auth.token(signal);
    const slot = await quota(o, what, budget, signal, options.background === true);
    const timed = withTimeout(signal, o.requestTimeout);
    try {
      // raced too: the client cuts the socket on abort, but a request it never settles must still end
      const answer = await raceSignal(call(token, timed.signal), timed.signal);
      slot.done("answered");
      return answer;
    } catch (error) {
      slot.done(failureOf(error).status === undefined ? "cut" : "answered");
      if (signal.aborted) throw signal.reason;
      if (timed.signal.aborted) {
        const text = `${what}: no answer within requestTimeout (${o.requestTimeout} ms)`;
        throw new CrmError("timeout", PLUGIN_NAME, text, { cause: error });
      }
      const failure = failureOf(error);
      const log = { plugin: PLUGIN_NAME, what, status: failure.status, category: failure.category };
      if (failure.status === 401 && !refreshed && o.auth.invalidate(token)) {
        refreshed = true;
        o.log.info(log, "hubspot: token refused; refreshing it and retrying once");
        continue;
      }
      const wait = failure.status === 429 ? retryWait(failure, o.retry, waits) : undefined;
      if (wait === undefined) throw toCrmError(failure, { what, auth: o.auth.type }, error);
      waits++;
      o.log.warn({ ...log, policy: failure.policy, waitMs: wait }, "hubspot: rate limited; waiting as HubSpot asks");
      await sleep(wait, signal).catch((reason: unknown) => {
        throw new CrmError("rate_limited", PLUGIN_NAME, `${what}: HubSpot's rate limit (429) outlasted the lookup`, {
          cause: reason,
        });
      });
    } finally {
      timed.clear();
    }
  }
}

/**
 * `signal`, and aborted after `ms` too. Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: the
 * combined signal holds its sources weakly, and a timeout signal nothing else holds can be collected before
 * it fires, so a hung request would never be cut.
 */
function withTimeout(signal: AbortSignal, ms: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      signal.removeEventListener("abort", forward);
    },
  };
}

/** The wait a 429 asks for, or undefined when it is not worth waiting (a daily limit, too long, too often). */
export function retryWait(failure: Failure, retry: RequestOptions["retry"], waits: number): number | undefined {
  if (failure.policy === "DAILY" || waits >= retry.attempts) return undefined;
  const ms = failure.retryAfterMs ?? POLICY_WAIT_MS[failure.policy ?? "SECONDLY"] ?? 1_000;
  return ms <= retry.maxWait ? ms : undefined;
}

/** A slot of this process's window, then of the hub's: the shared slot is taken when the request can leave. */
async function quota(
  o: RequestOptions,
  what: string,
  budget: "search" | "other",
  signal: AbortSignal,
  background: boolean,
): Promise<Slot> {
  signal.throwIfAborted();
  const { local, shared } = o.limits[budget];
  let slot: Slot | undefined;
  try {
    slot = await local.acquire(o.rates[budget], signal, { background });
    await shared?.acquire(signal);
    return slot;
  } catch (reason) {
    slot?.done("unsent");
    if (!signal.aborted) throw reason;
    const rate = `${o.rates[budget]}/s`;
    throw new CrmError(
      "rate_limited",
      PLUGIN_NAME,
      `${what}: no slot within the account's ${budget} limit (${rate}) in time`,
      {
        cause: reason,
      },
    );
  }
}
