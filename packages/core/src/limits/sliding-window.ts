import { Waiters } from "./waiters.js";

/** The span a per-second budget is counted over. */
export const SECOND_MS = 1_000;

/**
 * Added to the second: a slot is granted a few ms before its request reaches the CRM, and that delay
 * varies, so a window of exactly one second can still land N+1 requests in one of the CRM's seconds.
 */
export const GUARD_MS = 50;

export const WINDOW_MS = SECOND_MS + GUARD_MS;

/**
 * A sliding-window log in this process: at most `limit` slots in any `windowMs`. Waiters are served
 * first come, first served; each may bring its own limit (two tenants naming one account with different
 * rates each keep to their own).
 */
export class SlidingWindow {
  private readonly stamps: number[] = [];
  private readonly waiters = new Waiters(() => this.schedule());
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs = WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  acquire(limit: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.waiters.size === 0 && this.take(limit)) return Promise.resolve();
    const granted = this.waiters.enqueue(limit, signal);
    this.schedule();
    return granted;
  }

  /** Takes a slot now when `limit` allows one. */
  take(limit: number): boolean {
    this.prune();
    if (this.stamps.length >= limit) return false;
    this.stamps.push(this.now());
    return true;
  }

  /** Milliseconds until `limit` allows one more slot. */
  waitFor(limit: number): number {
    this.prune();
    if (this.stamps.length < limit) return 0;
    const freeing = this.stamps[this.stamps.length - limit] ?? this.now();
    return Math.max(1, Math.ceil(freeing + this.windowMs - this.now()));
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    let expired = 0;
    while (expired < this.stamps.length && (this.stamps[expired] ?? 0) <= cutoff) expired++;
    if (expired > 0) this.stamps.splice(0, expired);
  }

  private readonly drain = (): void => {
    this.timer = undefined;
    for (let head = this.waiters.head; head && this.take(head.limit); head = this.waiters.head) {
      this.waiters.shift()?.resolve();
    }
    this.schedule();
  };

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.waiters.head;
    if (head) this.timer = setTimeout(this.drain, this.waitFor(head.limit));
  }
}
