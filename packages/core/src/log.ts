import { createRequire } from "node:module";
import { pino } from "pino";
import type pinoPretty from "pino-pretty";

export type HubLogger = pino.Logger;

export interface LoggerOptions {
  /** Readable lines rather than JSON; default: when stdout is a terminal (`LOG_FORMAT=json|pretty` decides). */
  pretty?: boolean;
  /** Where pretty lines go; default stdout. For tests. */
  stream?: NodeJS.WritableStream;
}

/**
 * pino JSON on stdout; `level: silent` in tests. Piped to a log collector, lines are batched (up to 16 KiB,
 * written at least every second) rather than costing a write per call; on a terminal they are written at
 * once, one readable line each (pino-pretty).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? "info", options: LoggerOptions = {}): HubLogger {
  const format = process.env.LOG_FORMAT;
  const readable = options.pretty ?? (format === "pretty" || (format !== "json" && process.stdout.isTTY === true));
  if (readable) {
    // loaded for a terminal only: a hub whose lines go to a collector never reads its 29 modules
    const pretty = createRequire(import.meta.url)("pino-pretty") as typeof pinoPretty;
    const stream = pretty({
      colorize: options.stream === undefined && process.stdout.isTTY === true,
      singleLine: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,service",
      sync: true,
      ...(options.stream ? { destination: options.stream } : {}),
    });
    return pino({ level, base: { service: "santral-hub" } }, stream);
  }
  const destination = pino.destination({ dest: 1, sync: false, contentMode: "buffer" });
  // in buffer mode sonic-boom writes Buffers (its types only tell of strings)
  const batch = new LineBatch(destination as unknown as BatchDestination);
  setInterval(() => batch.flush(), 1000).unref();
  process.once("exit", () => {
    batch.flush();
    destination.flushSync();
  });
  return pino({ level, base: { service: "santral-hub" } }, batch);
}

/**
 * Gathers log lines and hands them on in batches of up to `size` bytes. sonic-boom's own `minLength`
 * buffering measures the whole pending string on every write (`Buffer.byteLength` of a growing string),
 * which cost ~9 µs a line at 4 KiB; a batch string flattened at write time cost ~1.5 µs a line. Here each
 * line is encoded once into a buffer, and the destination (sonic-boom, `contentMode: "buffer"`) sees one
 * write per batch.
 */
export interface BatchDestination {
  write(chunk: Buffer): unknown;
  flush?(done: (error?: Error | null) => void): void;
}

export class LineBatch {
  private buffer: Buffer;
  private used = 0;

  constructor(
    private readonly destination: BatchDestination,
    private readonly size = 16 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  write(line: string): boolean {
    const most = line.length * 3; // UTF-8 bytes, at most, for this many UTF-16 units
    if (this.used + most > this.size) this.flush();
    if (most > this.size) this.destination.write(Buffer.from(line));
    else this.used += this.buffer.write(line, this.used);
    return true;
  }

  /** Hands on what is gathered; with `done` (pino's `logger.flush(done)`), calls it once that is written. */
  flush(done?: (error?: Error | null) => void): void {
    if (this.used > 0) {
      const batch = this.buffer.subarray(0, this.used);
      this.buffer = Buffer.allocUnsafe(this.size); // the destination keeps `batch` until it is written
      this.used = 0;
      this.destination.write(batch);
    }
    if (!done) return;
    if (this.destination.flush) this.destination.flush(done);
    else done();
  }
}

/** `+905441000000` → `+90544*****00`: enough to correlate, not enough to call. */
export function maskNumber(text: string | undefined): string {
  if (!text) return "";
  const digits = text.replace(/\D/g, "");
  if (digits.length <= 4) return "*".repeat(digits.length);
  const keep = Math.min(5, digits.length - 4);
  return `${text.trim().startsWith("+") ? "+" : ""}${digits.slice(0, keep)}${"*".repeat(digits.length - keep - 2)}${digits.slice(-2)}`;
}
