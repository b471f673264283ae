import { createHash } from "node:crypto";
import { Backoff, type Span } from "./backoff.js";

/**
 * At most `max` tasks at once; the rest wait in order, and a waiter whose signal aborts leaves the queue.
 * Background tasks (call logs) wait behind every lookup, and leave one slot to lookups.
 */
export class Limiter {
  private active = 0;
  private background = 0;
  private readonly queue: (() => void)[] = [];
  private readonly later: (() => void)[] = [];

  constructor(public max: number) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length + this.later.length;
  }

  async run<T>(signal: AbortSignal, task: () => Promise<T>, options: { background?: boolean } = {}): Promise<T> {
    const background = options.background === true;
    await this.acquire(signal, background);
    try {
      return await task();
    } finally {
      this.active -= 1;
      if (background) this.background -= 1;
      this.drain();
    }
  }

  /** A background task may start while a slot is free beyond the one kept for lookups, and no lookup waits. */
  private roomFor(background: boolean): boolean {
    if (!background) return this.active < this.max;
    return this.queue.length === 0 && this.active < this.max && this.background < Math.max(1, this.max - 1);
  }

  private acquire(signal: AbortSignal, background: boolean): Promise<void> {
    signal.throwIfAborted();
    if (this.roomFor(background)) {
      this.active += 1;
      if (background) this.background += 1;
      return Promise.resolve();
    }
    const queue = background ? this.later : this.queue;
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener("abort", leave);
        this.active += 1;
        if (background) this.background += 1;
        resolve();
      };
      const leave = () => {
        const at = queue.indexOf(start);
        if (at >= 0) queue.splice(at, 1);
        reject(signal.reason);
      };
      queue.push(start);
      signal.addEventListener("abort", leave, { once: true });
    });
  }

  /** Also run when `max` changes, so a raised limit lets waiters in at once: lookups first. */
  drain(): void {
    while (this.active < this.max) {
      const next = this.queue.shift();
      if (next) {
        next();
        continue;
      }
      if (!this.roomFor(true)) return;
      const later = this.later.shift();
      if (!later) return;
      later();
    }
  }
}

interface Entry {
  limiter: Limiter;
  holds: number[];
  /** The pause after REQUEST_LIMIT_EXCEEDED: the org's quota is one, whichever tenant met its end. */
  pause: Backoff;
}

const shared = new Map<string, Entry>();

/**
 * The limiter of one org, shared by every tenant signing in with the same credentials (their API quota is
 * one), and its pause after REQUEST_LIMIT_EXCEEDED (timed as the first of them configured it). Its limit is
 * the smallest `concurrency` among them. The key is a hash: the parts hold secrets.
 */
export function leaseLimiter(
  parts: unknown[],
  concurrency: number,
  pause: Span,
): { limiter: Limiter; pause: Backoff; release(): void } {
  const key = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  let entry = shared.get(key);
  if (!entry) {
    entry = { limiter: new Limiter(concurrency), holds: [], pause: new Backoff(pause) };
    shared.set(key, entry);
  }
  const held = entry;
  held.holds.push(concurrency);
  held.limiter.max = Math.min(...held.holds);
  let released = false;
  return {
    limiter: held.limiter,
    pause: held.pause,
    release() {
      if (released) return;
      released = true;
      held.holds.splice(held.holds.indexOf(concurrency), 1);
      if (held.holds.length === 0) {
        if (shared.get(key) === held) shared.delete(key);
        return;
      }
      held.limiter.max = Math.min(...held.holds);
      held.limiter.drain();
    },
  };
}
