/**
 * How long a slice of indexing may hold the event loop. The hub answers every tenant's calls on this thread:
 * a million-row file indexed in one go would stall them all for seconds.
 */
export const SLICE_MS = 4;

/**
 * Cooperative slicing for long work on the event loop: the work asks `due()` every so often (it is cheap)
 * and, when the slice is used up, awaits `yield()`, which lets timers, I/O and other tenants' calls run.
 * Chunks rather than a worker thread: lookups read the index where it is built, with no copy, and the
 * same sources run under vitest, tsx and from the tsc build with no worker file to locate.
 */
export class Pace {
  private until = performance.now() + SLICE_MS;

  due(): boolean {
    return performance.now() > this.until;
  }

  /** Starts a new slice after waiting on something else (a file read). */
  resume(): void {
    this.until = performance.now() + SLICE_MS;
  }

  async yield(): Promise<void> {
    await new Promise(setImmediate);
    this.until = performance.now() + SLICE_MS;
  }
}
