import type { Logger } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { RedisStore } from "./redis-store.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("RedisStore's outage log", () => {
  it("says connected once, and nothing of an outage when the hub closes the connection itself", async () => {
    const lines: string[] = [];
    const keep = (_: object, msg?: string) => void lines.push(msg ?? "");
    const log: Logger = { debug() {}, info: keep, warn: keep, error: keep };
    const store = new RedisStore({ url: REDIS_URL, commandTimeoutMs: 200, log });
    expect(await store.ready(3000), `Redis at ${REDIS_URL} is not reachable: start it (.ci/run does)`).toBe(true);
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the socket's close event comes after
    expect(lines).toEqual(["redis: connected"]);
  });
});
