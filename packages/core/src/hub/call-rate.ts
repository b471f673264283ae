import type { Logger } from "@santral-hub/sdk";
import type { RateLimit } from "../tenants/fields.js";

/** How often a tenant over its budget is logged: a looping panel must not flood the log either. */
const WARN_EVERY_MS = 10_000;

/** A token bucket: refills at `perSecond`, holds at most `burst`; each call takes one token. */
class Bucket {
  private tokens: number;
  private last: number;
  refused = 0;
  warned = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Per-tenant call budgets, so that one panel misconfigured into a loop cannot starve the other tenants of
 * this node. In process: each hub node counts its own calls (behind a load balancer spreading calls over N
 * nodes, a tenant gets up to N times its budget). A bucket outlives reloads; a changed limit starts a new one.
 */
export class CallRates {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly hubDefault: RateLimit,
    private readonly log: Logger,
  ) {}

  /** True when the tenant may make one more call now (`now`: `performance.now()`). */
  admit(tenant: string, own: RateLimit | undefined, now: number): boolean {
    const limit = own ?? this.hubDefault;
    if (limit.perSecond === 0) return true;
    let bucket = this.buckets.get(tenant);
    const burst = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond * 2));
    if (!bucket || bucket.perSecond !== limit.perSecond || bucket.burst !== burst) {
      bucket = new Bucket(limit.perSecond, burst, now);
      this.buckets.set(tenant, bucket);
    }
    if (bucket.take(now)) return true;
    bucket.refused++;
    if (now - bucket.warned >= WARN_EVERY_MS) {
      this.log.warn(
        { tenant, code: "rate_limited", refused: bucket.refused, perSecond: limit.perSecond, burst },
        "tenant over its call rate: answering the fallback without the CRM; check its panel for a loop",
      );
      bucket.warned = now;
      bucket.refused = 0;
    }
    return false;
  }

  /** Forgets a removed tenant's bucket. */
  forget(tenant: string): void {
    this.buckets.delete(tenant);
  }
}
