/** The first wait and the longest, in ms. */
export interface Span {
  first: number;
  max: number;
}

/**
 * A wait that doubles with each failure in a row, from `first` up to `max`; a success ends it. A failure
 * reported while a wait is running does not lengthen it: requests sent before the first refusal come
 * back refused too, and they are one refusal, not several.
 */
export class Backoff {
  private failures = 0;
  private until = 0;

  constructor(
    private readonly span: Span,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Milliseconds left of the current wait; 0 when a request may go. */
  remaining(): number {
    return Math.max(0, Math.ceil(this.until - this.now()));
  }

  /** Records a failure; returns the wait it started, or undefined when one was running already. */
  fail(): number | undefined {
    if (this.remaining() > 0) return undefined;
    const ms = Math.min(this.span.max, this.span.first * 2 ** Math.min(this.failures, 30));
    this.failures++;
    this.until = this.now() + ms;
    return ms;
  }

  succeed(): void {
    this.failures = 0;
    this.until = 0;
  }
}

/** "4 s", "250 ms": how long a wait has left, for messages. */
export function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.ceil(ms / 1000)} s` : `${ms} ms`;
}
