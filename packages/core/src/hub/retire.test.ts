import type { Logger } from "@santral-hub/sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseTenant } from "../tenants/schema.js";
import type { LiveTenant } from "./live-tenant.js";
import { Retiring } from "./retire.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A retired tenant whose adapter counts its closes; lookups may go on 2 s past a 1.5 s deadline. */
function tenant() {
  const config = parseTenant({
    id: "acme",
    token: "acme-token-1",
    crm: { adapter: "csv" },
    cache: { lookupLimit: "2s" },
    steps: { welcome: { rules: [{ reply: { result: "queue", redirect: "satis" } }], fallback: { result: "hangup" } } },
  });
  const closes = { n: 0 };
  const live = {
    config,
    adapter: { lookup: async () => [], close: async () => void closes.n++ },
  } as unknown as LiveTenant;
  return { live, closes };
}

describe("Retiring", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("closes a replaced tenant's adapter once its calls and background lookups are over, once", async () => {
    const retiring = new Retiring(silent);
    const { live, closes } = tenant();
    retiring.retire([live]);
    retiring.retire([live]);
    await vi.advanceTimersByTimeAsync(2900);
    expect(closes.n).toBe(0); // a lookup started just before the reload may run up to lookupLimit
    await vi.advanceTimersByTimeAsync(200);
    expect(closes.n).toBe(1);
    await retiring.closeAll();
    expect(closes.n).toBe(1);
  });

  it("closes every retired adapter at once on shutdown", async () => {
    const retiring = new Retiring(silent);
    const { live, closes } = tenant();
    retiring.retire([live]);
    await retiring.closeAll();
    expect(closes.n).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(closes.n).toBe(1);
  });
});
