import type { RateLimiter } from "@santral-hub/sdk";
import { sleep } from "./signals.js";

const WINDOW_MS = 1_050; // a second, and a margin for the time a request takes to reach HubSpot

const windows = new Map<string, number[]>();

/**
 * The limiter used when the hub passes none (`PluginContext.rateLimiter` is optional): one budget per
 * name in this process, so tenants naming one account still share it here. Waiters poll; without the
 * hub's limiter there are few of them.
 */
export function localLimiter(name: string, perSecond: number): RateLimiter {
  const log = windows.get(name) ?? [];
  windows.set(name, log);
  return {
    async acquire(signal) {
      for (;;) {
        signal.throwIfAborted();
        const now = performance.now();
        while (log.length > 0 && (log[0] ?? 0) <= now - WINDOW_MS) log.shift();
        if (log.length < perSecond) {
          log.push(now);
          return;
        }
        const freeing = log[log.length - perSecond] ?? now;
        await sleep(Math.max(1, freeing + WINDOW_MS - now), signal);
      }
    },
  };
}
