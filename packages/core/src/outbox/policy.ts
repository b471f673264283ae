import { type OutboxJobInput, PermanentFailure, type RetryPolicy } from "./types.js";

export const DEFAULT_RETRY: RetryPolicy = { firstMs: 1000, maxDelayMs: 15 * 60_000, giveUpAfterMs: 24 * 3_600_000 };

/** Done jobs are kept this long, so the same id added again within it is recognised. */
export const KEEP_DONE_MS = 24 * 3_600_000;

/** A handler's error message is kept (and logged) up to this many characters. */
export const MAX_ERROR_LENGTH = 500;

export const DEFAULT_CONCURRENCY = 4;

/** How long `close` waits for running handlers before leaving their jobs to run again. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

export function retryPolicy(retry: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...retry };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`outbox retry.${name} must be a number ≥ 0`);
  }
  return policy;
}

/**
 * The wait after the `runs`-th run failed: firstMs, then twice as long each time up to maxDelayMs, minus up
 * to a quarter at random, so jobs that failed together (a receiver down) do not all come back at once.
 */
export function backoffDelay(policy: RetryPolicy, runs: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstMs * 2 ** Math.max(0, Math.min(runs - 1, 40)));
  return Math.round(base * (1 - 0.25 * random()));
}

/**
 * When a job that failed its `runs`-th run is tried again, or undefined when it is dead: a permanent
 * failure, or a next try after `since + giveUpAfterMs`.
 */
export function nextRunAt(
  policy: RetryPolicy,
  error: unknown,
  runs: number,
  since: number,
  now = Date.now(),
): number | undefined {
  if (error instanceof PermanentFailure) return undefined;
  const at = now + backoffDelay(policy, runs);
  return at > since + policy.giveUpAfterMs ? undefined : at;
}

/** A handler's error as kept in lastError: its message only (no stack, no payload), truncated. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** An id, kind and tenant are non-empty strings: an empty id would defeat the idempotency check. */
export function checkJob(job: OutboxJobInput<unknown>): void {
  for (const field of ["id", "kind", "tenant"] as const) {
    if (typeof job[field] !== "string" || job[field] === "") throw new TypeError(`an outbox job needs a ${field}`);
  }
}
