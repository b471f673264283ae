import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { RedisBreaker } from "../cache/redis-breaker.js";
import { type SlidingWindow, WINDOW_MS } from "./sliding-window.js";
import { type Waiter, Waiters } from "./waiters.js";

/**
 * A sliding-window log in one sorted set, timed by Redis's own clock so that nodes whose clocks differ
 * still share one window. Returns 0 when a slot was taken, else the ms until one frees up.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local freeing = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return math.max(1, tonumber(freeing[2]) + window - now)
`;

/**
 * One budget shared by every node on the same Redis. Waiters of this process queue here and only the
 * head asks Redis, so a burst of callers costs one Redis command per slot and not one per waiter per
 * tick. Fails open: when Redis cannot answer, or the breaker says it is down (then it is not even asked),
 * the acquisition goes to the per-process `fallback` at once.
 */
export class RedisLimiter {
  private readonly key: string;
  private readonly waiters = new Waiters((wasHead) => {
    if (wasHead) this.wake?.();
  });
  private readonly id = `${process.pid}.${randomUUID().slice(0, 8)}`;
  private seq = 0;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: Redis | Cluster,
    name: string,
    private readonly fallback: SlidingWindow,
    private readonly breaker: RedisBreaker,
    private readonly windowMs = WINDOW_MS,
  ) {
    // braces make the name a Cluster hash tag; a brace inside the name would end the tag early
    this.key = `sh:rl:{${name.replace(/[{}]/g, "_")}}`;
  }

  acquire(limit: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const granted = this.waiters.enqueue(limit, signal);
    void this.run();
    return granted;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let head = this.waiters.head; head; head = this.waiters.head) {
        let wait: number;
        try {
          wait = await this.ask(head.limit);
        } catch {
          this.handOver(head); // the breaker counted the failure, and logs an outage once
          continue;
        }
        if (this.waiters.head !== head) continue; // aborted meanwhile; a slot it took is left unused (errs on the safe side)
        if (wait === 0) {
          this.waiters.shift()?.resolve();
        } else {
          await this.sleep(wait);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async ask(limit: number): Promise<number> {
    // without a connection ioredis fails at once (no offline queue): skip the round trip
    if (this.client.status !== "ready") throw new Error(`redis is ${this.client.status}`);
    const member = `${this.id}.${++this.seq}`;
    return Number(await this.breaker.run(() => this.client.eval(ACQUIRE, 1, this.key, limit, this.windowMs, member)));
  }

  private handOver(head: Waiter): void {
    this.waiters.shift();
    this.fallback.acquire(head.limit, head.signal).then(head.resolve, head.reject);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
