import type { Pace } from "./pace.js";

/** The first chunk is small (a hub may load a thousand small files at once); each next one twice as big. */
const FIRST = 256;
const MOST = 1 << 16;
const EMPTY = new Uint32Array(0);

/**
 * Uint32 values appended in chunks: growing never copies what is there, so it never holds the event loop,
 * and `flat` moves them into one array, in slices, once the count is known.
 */
export class Uint32Chunks {
  private readonly chunks: Uint32Array[] = [];
  private last = EMPTY;
  private filled = 0;
  length = 0;

  /** Appends `value`; returns its index. */
  push(value: number): number {
    if (this.filled === this.last.length) {
      this.last = new Uint32Array(Math.min(MOST, Math.max(FIRST, this.last.length * 2)));
      this.chunks.push(this.last);
      this.filled = 0;
    }
    this.last[this.filled++] = value;
    return this.length++;
  }

  /** The values in one array; the chunks are let go as they are copied, so the peak stays near one copy. */
  async flat(pace: Pace): Promise<Uint32Array> {
    const out = new Uint32Array(this.length);
    let at = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i] as Uint32Array;
      const part = chunk === this.last ? chunk.subarray(0, this.filled) : chunk;
      out.set(part, at);
      at += part.length;
      this.chunks[i] = EMPTY;
      if (pace.due()) await pace.yield();
    }
    this.chunks.length = 0;
    [this.last, this.filled, this.length] = [EMPTY, 0, 0];
    return out;
  }
}
