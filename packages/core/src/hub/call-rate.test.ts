import type { Logger } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { CallRates } from "./call-rate.js";

function logger() {
  const warnings: object[] = [];
  const log: Logger = { debug() {}, info() {}, error() {}, warn: (obj: object) => void warnings.push(obj) };
  return { log, warnings };
}

describe("CallRates", () => {
  it("admits a burst, then one call per 1/perSecond, per tenant", () => {
    const rates = new CallRates({ perSecond: 2, burst: 3 }, logger().log);
    const at = (t: number) => rates.admit("acme", undefined, t);
    expect([at(0), at(1), at(2), at(3)]).toEqual([true, true, true, false]);
    expect(at(400)).toBe(false); // 0.8 of a token back
    expect(at(600)).toBe(true); // 1.2
    expect(rates.admit("other", undefined, 600)).toBe(true); // a looping tenant never spends another's budget
  });

  it("takes a tenant's own limit over the hub's, with a default burst of twice the rate; 0 is unlimited", () => {
    const rates = new CallRates({ perSecond: 0 }, logger().log);
    expect(Array.from({ length: 1000 }, () => rates.admit("free", undefined, 0)).every(Boolean)).toBe(true);
    const own = { perSecond: 1 };
    expect(Array.from({ length: 3 }, () => rates.admit("tight", own, 0))).toEqual([true, true, false]);
  });

  it("starts a new bucket when a reload changes the limit", () => {
    const rates = new CallRates({ perSecond: 1, burst: 1 }, logger().log);
    expect([rates.admit("acme", undefined, 0), rates.admit("acme", undefined, 0)]).toEqual([true, false]);
    expect(rates.admit("acme", { perSecond: 5, burst: 5 }, 0)).toBe(true);
  });

  it("logs a tenant over its rate once every ten seconds, with the count refused meanwhile", () => {
    const { log, warnings } = logger();
    const rates = new CallRates({ perSecond: 1, burst: 1 }, log);
    for (let t = 0; t < 5; t++) rates.admit("acme", undefined, t);
    expect(warnings).toEqual([expect.objectContaining({ tenant: "acme", code: "rate_limited", refused: 1 })]);
    for (let t = 5; t < 200; t++) rates.admit("acme", undefined, t);
    expect(warnings).toHaveLength(1);
    rates.admit("acme", undefined, 10_001);
    rates.admit("acme", undefined, 10_002);
    expect(warnings[1]).toMatchObject({ refused: 199 }); // 3 + 195 before the 10 s, 1 after it
  });
});
