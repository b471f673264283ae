/** One caller waiting for a slot, with the limit it brought. */
export interface Waiter {
  limit: number;
  signal: AbortSignal;
  resolve(): void;
  reject(reason: unknown): void;
}

/**
 * The callers a limiter holds, first come first served. A waiter whose signal aborts leaves the queue and
 * is rejected with the signal's reason; `onLeave` lets the limiter re-plan (was it the head?).
 */
export class Waiters {
  private readonly queue: { waiter: Waiter; onAbort(): void }[] = [];

  constructor(private readonly onLeave: (wasHead: boolean) => void) {}

  get head(): Waiter | undefined {
    return this.queue[0]?.waiter;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Queues a caller; the promise settles when the limiter `shift`s and resolves it, or on abort. */
  enqueue(limit: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = {
        waiter: { limit, signal, resolve, reject },
        onAbort: () => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) this.queue.splice(at, 1);
          reject(signal.reason);
          this.onLeave(at === 0);
        },
      };
      signal.addEventListener("abort", entry.onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  /** Takes the head out of the queue (its abort no longer concerns the limiter) and returns it. */
  shift(): Waiter | undefined {
    const entry = this.queue.shift();
    entry?.waiter.signal.removeEventListener("abort", entry.onAbort);
    return entry?.waiter;
  }
}
