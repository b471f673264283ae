import type { Logger } from "@santral-hub/sdk";

export type RedisState = "up" | "down";

export interface RedisBreakerOptions {
  /** This many failed commands within `windowMs` mark Redis down. */
  failures: number;
  windowMs?: number;
  /** While down: how often one probe (a PING) asks whether Redis answers again. */
  probeMs: number;
  /** Resolves when Redis answers (every master of a cluster); rejects otherwise. */
  probe: () => Promise<unknown>;
  log: Logger;
  /** Names the breaker in its log lines (`redis`). */
  subject: string;
  /** What the hub does while Redis is down, for the log line that says it went down. */
  meanwhile: string;
}

/** Thrown, without asking Redis, by a command while Redis is down. */
export class RedisDownError extends Error {
  constructor() {
    super("redis is down: not asked");
  }
}

const DOWN = new RedisDownError();

/**
 * Stops asking a Redis that does not answer. A hung Redis keeps its sockets open, so ioredis sees nothing
 * wrong and every command waits out `commandTimeout`; a Cluster may retry a command to a dead node until the
 * caller's deadline. After `failures` failed commands within `windowMs` (a count, not "in a row": with a
 * cluster, the other nodes' answers come in between), every command fails at once without a round trip,
 * and one probe every `probeMs` — never a caller's command — asks whether Redis answers again. Going down
 * and coming back are each logged once, with counts.
 */
export class RedisBreaker {
  private current: RedisState = "down";
  /** False until Redis first answered: that transition is "connected", not "answering again". */
  private everUp = false;
  private failedAt: number[] = [];
  private downSince = performance.now();
  private downAt = new Date();
  private skipped = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;
  private waiting: (() => void)[] = [];
  private readonly windowMs: number;

  constructor(private readonly options: RedisBreakerOptions) {
    this.windowMs = options.windowMs ?? 10_000;
    this.startProbing(); // down until the first probe answers; the caller logs a Redis unreachable at start
  }

  get state(): RedisState {
    return this.current;
  }

  get up(): boolean {
    return this.current === "up";
  }

  /** When Redis was last found down (or the hub started without it); undefined while it is up. */
  get since(): Date | undefined {
    return this.current === "down" ? this.downAt : undefined;
  }

  /** Runs one command while Redis is up, counting its failure; while down, fails at once without asking. */
  async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.current === "down") {
      this.skipped++;
      throw DOWN;
    }
    try {
      return await command();
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  /** A command failed (a time-out, a closed connection, CLUSTERDOWN): enough of them mark Redis down. */
  failed(error: unknown): void {
    if (this.current === "down" || this.stopped || error instanceof RedisDownError) return;
    const now = performance.now();
    this.failedAt.push(now);
    while ((this.failedAt[0] ?? now) <= now - this.windowMs) this.failedAt.shift();
    if (this.failedAt.length >= this.options.failures) {
      this.down(
        `${this.failedAt.length} failed commands in ${Math.round(this.windowMs / 1000)} s, the last: ${reason(error)}`,
      );
    }
  }

  /** The connection itself was lost: Redis is down now, no need to wait for commands to fail. */
  lost(error: unknown): void {
    // after `stop` the connection closes because the hub is shutting down: not an outage
    if (this.current === "up" && !this.stopped) this.down(`connection lost: ${reason(error)}`);
  }

  /** The connection is (re)established: probe at once rather than at the next tick of the probe timer. */
  connected(): void {
    if (this.current === "down") this.probe();
  }

  /** Resolves once Redis is up, or after `ms` regardless; true when up. */
  async waitUp(ms: number): Promise<boolean> {
    if (this.up) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiting.push(done);
    });
    return this.up;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private down(why: string): void {
    this.current = "down";
    this.downSince = performance.now();
    this.downAt = new Date();
    this.skipped = 0;
    const { log, subject, meanwhile } = this.options;
    log.warn(
      { redis: "down", reason: why, failures: this.failedAt.length },
      `${subject}: not answering (${why}); ${meanwhile}`,
    );
    this.startProbing();
  }

  private upAgain(): void {
    if (this.stopped || this.current === "up") return;
    this.current = "up";
    this.failedAt = [];
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    const { log, subject } = this.options;
    if (this.everUp) {
      const downMs = Math.round(performance.now() - this.downSince);
      log.info(
        { redis: "up", downMs, skipped: this.skipped },
        `${subject}: answering again after ${(downMs / 1000).toFixed(1)} s down (${this.skipped} commands not sent meanwhile)`,
      );
    } else {
      log.info({ redis: "up" }, `${subject}: connected`);
    }
    this.everUp = true;
    for (const done of this.waiting.splice(0)) done();
  }

  private startProbing(): void {
    if (this.stopped || this.probeTimer) return;
    this.probeTimer = setInterval(() => this.probe(), this.options.probeMs);
    this.probeTimer.unref(); // a breaker never keeps the process alive
  }

  private probe(): void {
    if (this.probing || this.stopped) return;
    this.probing = true;
    this.options
      .probe()
      .then(
        () => this.upAgain(),
        () => {}, // still down: the next tick asks again
      )
      .finally(() => {
        this.probing = false;
      });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
