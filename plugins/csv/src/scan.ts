const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Bytes of a quoted cell read one by one before the rest is searched for its closing quote. */
const LONG_CELL = 256;

/** Why a row cannot be read, as the warnings say it (never its content). */
export type Flaw = "opening quote" | "closing quote" | "unclosed quote";

/**
 * The CSV grammar over bytes, one row at a time, decoding nothing: cells split by the delimiter (one or more
 * bytes), RFC 4180 quotes (`""` for a quote, line breaks and delimiters inside), rows ended by CRLF, LF or a
 * lone CR. Sound for every encoding in which these are single ASCII bytes that never occur inside another
 * character: UTF-8 and the single-byte code pages (see `read.ts`, which converts any other to UTF-8).
 *
 * A malformed row is read to its end all the same, so the row after it starts where it should: a stray quote
 * is a plain character once flagged, and only a quote that is never closed takes the rest of the file.
 */
export class CsvScanner {
  /** Cell i is the bytes `[starts[i], ends[i])`, a quoted cell without its quotes. */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 1 for a quoted cell, 2 for a quoted cell with `""` in it. */
  quoted = new Uint8Array(64);
  /** Cells in the row read last. */
  count = 0;
  /** Where the row after it starts. */
  next = 0;
  /** Line breaks the row spans, its own included: the next row starts this many lines further. */
  breaks = 0;
  flaw: Flaw | undefined;
  private readonly d0: number;
  /** 1 for the bytes that may end an unquoted cell or flaw it: one look-up a byte instead of four tests. */
  private readonly special = new Uint8Array(256);

  constructor(
    readonly bytes: Buffer,
    private readonly delimiter: Uint8Array,
  ) {
    this.d0 = delimiter[0] ?? -1;
    for (const b of [QUOTE, LF, CR, this.d0]) if (b >= 0) this.special[b] = 1;
  }

  /** Past the empty lines at `at` (they are not rows); sets `breaks` to how many there were. */
  skipEmpty(at: number): number {
    const b = this.bytes;
    let p = at;
    let breaks = 0;
    for (;;) {
      const c = b[p];
      if (c === LF) p += 1;
      else if (c === CR) p += b[p + 1] === LF ? 2 : 1;
      else break;
      breaks++;
    }
    this.breaks = breaks;
    return p;
  }

  /** Reads the row that starts at `at` (not an empty line) into the cell bounds. */
  read(at: number): void {
    const b = this.bytes;
    const n = b.length;
    const d0 = this.d0;
    let p = at;
    let breaks = 0;
    let count = 0;
    this.flaw = undefined;
    for (;;) {
      if (count === this.starts.length) this.grow();
      let start = p;
      let end = p;
      let quoted = 0;
      if (b[p] === QUOTE) {
        quoted = 1;
        start = ++p;
        for (;;) {
          if (p >= n) {
            this.flaw = "unclosed quote";
            end = n;
            break;
          }
          const c = b[p];
          if (c === QUOTE) {
            if (b[p + 1] === QUOTE) {
              quoted = 2;
              p += 2;
              continue;
            }
            end = p++;
            break;
          }
          if (c === LF || (c === CR && b[p + 1] !== LF)) breaks++;
          p++;
          if (p - start > LONG_CELL && b[p] !== QUOTE) {
            // a long quoted cell, or a quote never closed: jump to the next quote natively (memchr), so that
            // a quote left open at the top of a big file does not hold the event loop while it is scanned
            const next = b.indexOf(QUOTE, p);
            if (next === -1) p = n;
            else [breaks, p] = [breaks + lineBreaks(b, p, next), next];
          }
        }
        const after = b[p];
        if (p < n && after !== LF && after !== CR && !(after === d0 && this.isDelimiter(p))) {
          this.flaw ??= "closing quote";
        }
      }
      // the cell's unquoted bytes (after a closing quote there should be none), up to what ends it
      let stop = -1;
      const special = this.special;
      for (; p < n; p++) {
        const c = b[p] as number;
        if (special[c] === 0) continue;
        if ((c === d0 && this.isDelimiter(p)) || c === LF || c === CR) {
          stop = c;
          break;
        }
        if (c === QUOTE) this.flaw ??= "opening quote";
      }
      if (quoted === 0) end = p;
      this.starts[count] = start;
      this.ends[count] = end;
      this.quoted[count] = quoted;
      count++;
      if (stop === -1) break; // the end of the file
      if (stop !== LF && stop !== CR) {
        p += this.delimiter.length;
        continue;
      }
      breaks++;
      p += stop === CR && b[p + 1] === LF ? 2 : 1;
      break;
    }
    this.count = count;
    this.next = p;
    this.breaks = breaks;
  }

  /** Cell `c` of the row read last, as text: decoded by `decode`, `""` read as a quote. */
  cell(c: number, decode: (start: number, end: number) => string): string {
    const text = decode(this.starts[c] as number, this.ends[c] as number);
    return this.quoted[c] === 2 ? text.replaceAll('""', '"') : text;
  }

  private isDelimiter(p: number): boolean {
    const d = this.delimiter;
    for (let i = 1; i < d.length; i++) if (this.bytes[p + i] !== d[i]) return false;
    return true;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(from: T, to: T) => {
      to.set(from);
      return to;
    };
    this.starts = grown(this.starts, new Int32Array(size));
    this.ends = grown(this.ends, new Int32Array(size));
    this.quoted = grown(this.quoted, new Uint8Array(size));
  }
}

/** Line breaks in `[from, to)` of a quoted cell: LF, or CR not followed by LF. */
function lineBreaks(b: Uint8Array, from: number, to: number): number {
  let breaks = 0;
  for (let p = from; p < to; p++) {
    const c = b[p];
    if (c === LF || (c === CR && b[p + 1] !== LF)) breaks++;
  }
  return breaks;
}
