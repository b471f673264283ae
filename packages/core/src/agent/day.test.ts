import { describe, expect, it } from "vitest";
import { dayOf, endOfDay } from "./day.js";

describe("the tenant's day", () => {
  it("is the local date: 22:30 UTC is already tomorrow in Istanbul", () => {
    const at = Date.UTC(2026, 4, 14, 22, 30);
    expect(dayOf(at, "Europe/Istanbul")).toBe("2026-05-15");
    expect(dayOf(at, "UTC")).toBe("2026-05-14");
  });

  it("ends at the next local midnight", () => {
    const at = Date.UTC(2026, 4, 14, 9, 0); // 12:00 in Istanbul (UTC+3)
    expect(endOfDay(at, "Europe/Istanbul")).toBe(Date.UTC(2026, 4, 14, 21, 0));
    expect(endOfDay(Date.UTC(2026, 4, 14, 20, 59, 59), "Europe/Istanbul")).toBe(Date.UTC(2026, 4, 14, 21, 0));
    expect(endOfDay(Date.UTC(2026, 4, 14, 21, 0), "Europe/Istanbul")).toBe(Date.UTC(2026, 4, 15, 21, 0));
  });

  it("ends at midnight of the new offset on a day the clocks change", () => {
    // Berlin moves to summer time on 29 March 2026: that day's midnight after is 22:00 UTC, not 23:00
    expect(endOfDay(Date.UTC(2026, 2, 29, 0, 30), "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 22, 0));
    expect(endOfDay(Date.UTC(2026, 9, 25, 12, 0), "Europe/Berlin")).toBe(Date.UTC(2026, 9, 25, 23, 0));
  });
});
