/** HubSpot counts a search in the second it arrives; a slot is counted that long after its answer came back. */
export const SECOND_MS = 1_000;

/**
 * A request that ended without HubSpot's answer (aborted, timed out, the socket cut) may still arrive a
 * moment later: it is counted from this much after it ended.
 */
const UNANSWERED_MS = 250;

/** A slot taken: say how it ended, once. */
export interface Slot {
  /** `unsent`: never left (no token, no shared slot); `answered`: HubSpot's answer came back; `cut`: no answer. */
  done(how: "unsent" | "answered" | "cut"): void;
}

interface Waiter {
  limit: number;
  resolve(slot: Slot): void;
}

/**
 * A background request (a call log) may use this share of the limit, and waits behind every other request:
 * a backlog of writes never holds up a request a caller waits on.
 */
export const BACKGROUND_SHARE = 0.5;

/**
 * This process's requests to one HubSpot account, counted from the moment a slot is granted until one
 * second after the answer came back. A request arrives at HubSpot after it was granted and before its
 * answer returns, so the last second of answers plus the requests still out covers every request HubSpot
 * can count in any of its seconds, however long the trip (a new connection's TLS handshake included).
 * A window that starts when the slot is taken cannot: its margin would have to cover the slowest trip.
 */
export class AnsweredWindow {
  private inFlight = 0;
  /** When answers came back, oldest first. */
  private readonly answered: number[] = [];
  private readonly queue: Waiter[] = [];
  /** Background waiters: served only when no other request waits. */
  private readonly later: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * A slot within `limit` requests a second (a background one within its share of it, after every other
   * waiter); rejects with the signal's reason when it aborts first.
   */
  acquire(limit: number, signal: AbortSignal, options: { background?: boolean } = {}): Promise<Slot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const background = options.background === true;
    const own = background ? Math.max(1, Math.floor(limit * BACKGROUND_SHARE)) : limit;
    const queue = background ? this.later : this.queue;
    if (this.queue.length === 0 && queue.length === 0 && this.used() < own) return Promise.resolve(this.take());
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        limit: own,
        resolve: (slot) => {
          signal.removeEventListener("abort", onAbort);
          resolve(slot);
        },
      };
      const onAbort = () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(signal.reason);
        this.drain(); // the head may have left: the next one may fit
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
      this.drain();
    });
  }

  private take(): Slot {
    this.inFlight++;
    let settled = false;
    return {
      done: (how) => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        if (how !== "unsent") this.insert(this.now() + (how === "cut" ? UNANSWERED_MS : 0));
        this.drain();
      },
    };
  }

  private insert(at: number): void {
    let i = this.answered.length;
    while (i > 0 && (this.answered[i - 1] ?? 0) > at) i--;
    this.answered.splice(i, 0, at);
  }

  private used(): number {
    const cutoff = this.now() - SECOND_MS;
    let expired = 0;
    while (expired < this.answered.length && (this.answered[expired] ?? 0) <= cutoff) expired++;
    if (expired > 0) this.answered.splice(0, expired);
    return this.inFlight + this.answered.length;
  }

  private drain(): void {
    for (let head = this.head(); head && this.used() < head.limit; head = this.head()) {
      (this.queue[0] === head ? this.queue : this.later).shift();
      head.resolve(this.take());
    }
    this.schedule();
  }

  /** The next waiter: the first request a caller may wait on, else the first background one. */
  private head(): Waiter | undefined {
    return this.queue[0] ?? this.later[0];
  }

  /**
   * After `drain`, so the head does not fit: wakes it when the answer that frees its slot leaves the
   * second. A request coming back (`done`) drains too.
   */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.head();
    if (!head) return;
    const over = this.used() - head.limit; // one less than the slots that must free up
    const freeing = this.answered[over];
    if (freeing === undefined) return; // too many still out: only an answer frees a slot, and `done` drains
    this.timer = setTimeout(() => this.drain(), Math.max(1, Math.ceil(freeing + SECOND_MS - this.now())));
  }
}

const windows = new Map<string, AnsweredWindow>();

/** One window per account name in this process: tenants naming one account share it. */
export function answeredWindow(name: string): AnsweredWindow {
  let window = windows.get(name);
  if (!window) {
    window = new AnsweredWindow();
    windows.set(name, window);
  }
  return window;
}
