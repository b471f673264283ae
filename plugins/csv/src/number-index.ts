import { Uint32Chunks } from "./chunks.js";
import type { Pace } from "./pace.js";

const TWO_32 = 2 ** 32;
/** Pairs sorted between two looks at the clock. */
const SPAN = 1 << 13;
/** Up to this many pairs, a comparison sort beats the radix sort's 64K buckets (a hub of many small files). */
const SMALL = 4096;

/** The pairs being sorted: each number's halves and its row. */
interface Columns {
  hi: Uint32Array;
  lo: Uint32Array;
  rows: Uint32Array;
}

/**
 * Which rows hold each number, in typed arrays: the numbers sorted, and for the i-th the rows
 * `rows[starts[i]..starts[i+1])`, in file order. About 16 bytes a number, where a Map of arrays costs ten
 * times that, and a million objects for the garbage collector to walk.
 */
export class NumberIndex {
  constructor(
    private readonly keys: Float64Array,
    private readonly starts: Uint32Array,
    private readonly rows: Uint32Array,
  ) {}

  /** Distinct numbers. */
  get size(): number {
    return this.keys.length;
  }

  rowsOf(key: number): Uint32Array {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid] as number;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return this.rows.subarray(this.starts[mid], this.starts[mid + 1]);
    }
    return new Uint32Array(0);
  }
}

/**
 * (number, row) pairs as the rows are read, in file order, then sorted into a {@link NumberIndex}. A number
 * is an integer in [0, 2^53) (E.164 has at most 15 digits), kept as two 32-bit halves for the sort.
 */
export class NumberPairs {
  private readonly hi = new Uint32Chunks();
  private readonly lo = new Uint32Chunks();
  private readonly rows = new Uint32Chunks();
  /** The current row's numbers: a row holding one number twice gets one pair. */
  private rowKeys = new Float64Array(8);
  private rowCount = 0;
  private row = -1;

  add(key: number, row: number): void {
    if (row !== this.row) {
      this.row = row;
      this.rowCount = 0;
    }
    for (let i = 0; i < this.rowCount; i++) if (this.rowKeys[i] === key) return;
    if (this.rowCount === this.rowKeys.length) {
      const grown = new Float64Array(this.rowCount * 2);
      grown.set(this.rowKeys);
      this.rowKeys = grown;
    }
    this.rowKeys[this.rowCount++] = key;
    this.hi.push(Math.floor(key / TWO_32));
    this.lo.push(key >>> 0);
    this.rows.push(row);
  }

  /**
   * Sorts the pairs by number, the rows of one number staying in file order (a stable radix sort, 16 bits a
   * pass), in slices. A pass over a digit every number shares is skipped, and so is the sort when the file
   * lists its numbers in order already (customer numbers, often). A few pairs are sorted in one go.
   */
  async index(pace: Pace): Promise<NumberIndex> {
    const n = this.rows.length;
    let pairs: Columns = {
      hi: await this.hi.flat(pace),
      lo: await this.lo.flat(pace),
      rows: await this.rows.flat(pace),
    };
    if (n <= SMALL) pairs = sortedSmall(pairs);
    else if (!(await inSlices(n, pace, (from, to) => ordered(pairs, from, to)))) {
      let spare: Columns = { hi: new Uint32Array(n), lo: new Uint32Array(n), rows: new Uint32Array(n) };
      const counts = new Uint32Array(65536);
      for (const [word, shift] of [
        ["lo", 0],
        ["lo", 16],
        ["hi", 0],
        ["hi", 16],
      ] as const) {
        const digits = pairs[word];
        counts.fill(0);
        await inSlices(n, pace, (from, to) => count(digits, shift, counts, from, to));
        if (counts[((digits[0] as number) >>> shift) & 0xffff] === n) continue;
        for (let d = 0, at = 0; d < 65536; d++) {
          const c = counts[d] as number;
          counts[d] = at;
          at += c;
        }
        const [src, dst] = [pairs, spare];
        await inSlices(n, pace, (from, to) => scatter(src, dst, digits, shift, counts, from, to));
        [pairs, spare] = [spare, pairs];
      }
    }
    // the distinct numbers, and where the rows of each start
    const { hi, lo, rows } = pairs;
    let distinct = 0;
    await inSlices(n, pace, (from, to) => {
      distinct += firsts(pairs, from, to, () => {});
      return true;
    });
    const keys = new Float64Array(distinct);
    const starts = new Uint32Array(distinct + 1);
    let k = 0;
    await inSlices(n, pace, (from, to) => {
      firsts(pairs, from, to, (i) => {
        keys[k] = (hi[i] as number) * TWO_32 + (lo[i] as number);
        starts[k++] = i;
      });
      return true;
    });
    starts[distinct] = n;
    return new NumberIndex(keys, starts, rows);
  }
}

/** Runs `step` over [0, n) in spans, yielding when the slice is used up; false as soon as a step is. */
async function inSlices(n: number, pace: Pace, step: (from: number, to: number) => boolean): Promise<boolean> {
  for (let from = 0; from < n; from += SPAN) {
    if (!step(from, Math.min(n, from + SPAN))) return false;
    if (pace.due()) await pace.yield();
  }
  return true;
}

function sortedSmall({ hi, lo, rows }: Columns): Columns {
  const key = (i: number) => (hi[i] as number) * TWO_32 + (lo[i] as number);
  const order = Array.from({ length: rows.length }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
  const pick = (from: Uint32Array) => Uint32Array.from(order, (i) => from[i] as number);
  return { hi: pick(hi), lo: pick(lo), rows: pick(rows) };
}

function ordered({ hi, lo }: Columns, from: number, to: number): boolean {
  for (let i = Math.max(1, from); i < to; i++) {
    const h = hi[i] as number;
    const before = hi[i - 1] as number;
    if (h < before || (h === before && (lo[i] as number) < (lo[i - 1] as number))) return false;
  }
  return true;
}

function count(digits: Uint32Array, shift: number, counts: Uint32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const d = ((digits[i] as number) >>> shift) & 0xffff;
    counts[d] = (counts[d] as number) + 1;
  }
  return true;
}

function scatter(
  src: Columns,
  dst: Columns,
  digits: Uint32Array,
  shift: number,
  counts: Uint32Array,
  from: number,
  to: number,
): boolean {
  for (let i = from; i < to; i++) {
    const d = ((digits[i] as number) >>> shift) & 0xffff;
    const at = counts[d] as number;
    counts[d] = at + 1;
    dst.hi[at] = src.hi[i] as number;
    dst.lo[at] = src.lo[i] as number;
    dst.rows[at] = src.rows[i] as number;
  }
  return true;
}

/** Calls `first` with each i in [from, to) where a new number starts; returns how many. */
function firsts({ hi, lo }: Columns, from: number, to: number, first: (i: number) => void): number {
  let found = 0;
  for (let i = from; i < to; i++) {
    if (i === 0 || hi[i] !== hi[i - 1] || lo[i] !== lo[i - 1]) {
      first(i);
      found++;
    }
  }
  return found;
}
