import type { Logger } from "@santral-hub/sdk";

/** How often one kind of refusal is logged at most: a flood of bad requests must not flood the log too. */
export const REFUSALS_EVERY_MS = 10_000;

/** Kinds tracked apart (code and tenant); past this, a refusal counts under its code alone. */
const MOST_KINDS = 256;

type Level = "warn" | "error";

interface Kind {
  /** Refusals since the last line, not logged one by one. */
  more: number;
  level: Level;
  fields: Record<string, unknown>;
  message: string;
  timer: NodeJS.Timeout;
}

/**
 * Logs refused requests throttled per code (and per tenant where the URL names one): the first of a kind
 * is logged at once; the rest within `everyMs` are counted, and one line then says how many
 * (`refused: 230`, `windowMs`, with the last one's fields). A slow-client flood of 20,000 refusals is a few lines.
 */
export class RefusalLog {
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly log: Logger,
    private readonly everyMs = REFUSALS_EVERY_MS,
  ) {}

  refused(level: Level, code: string, tenant: string | undefined, fields: Record<string, unknown>, message: string) {
    let key = tenant === undefined ? code : `${code}\u0000${tenant}`;
    if (!this.kinds.has(key) && this.kinds.size >= MOST_KINDS) key = code; // a URL cannot grow this map
    const kind = this.kinds.get(key);
    const all = { code, ...(tenant === undefined ? {} : { tenant }), ...fields };
    if (kind) {
      kind.more++;
      Object.assign(kind, { level, fields: all, message });
      return;
    }
    this.log[level](all, message);
    const timer = setInterval(() => this.summarise(key), this.everyMs);
    timer.unref(); // a quiet hub exits without waiting for a summary
    this.kinds.set(key, { more: 0, level, fields: all, message, timer });
  }

  /** Logs what is counted and not yet logged (at shutdown). */
  flush(): void {
    for (const key of [...this.kinds.keys()]) this.summarise(key, true);
  }

  /** One line for the refusals counted in the last window; a window with none ends the kind's throttle. */
  private summarise(key: string, last = false): void {
    const kind = this.kinds.get(key);
    if (!kind) return;
    if (kind.more > 0) {
      const { more, fields, message } = kind;
      this.log[kind.level]({ ...fields, refused: more, windowMs: this.everyMs }, `${message} (${more} more like it)`);
      kind.more = 0;
      if (!last) return;
    }
    clearInterval(kind.timer);
    this.kinds.delete(key);
  }
}

const perLogger = new WeakMap<Logger, RefusalLog>();

/** The refusal log writing to `log`: one per hub, shared by its call routes and its connection guards. */
export function refusalsFor(log: Logger): RefusalLog {
  let refusals = perLogger.get(log);
  if (!refusals) {
    refusals = new RefusalLog(log);
    perLogger.set(log, refusals);
  }
  return refusals;
}
