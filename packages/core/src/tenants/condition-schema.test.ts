import { describe, expect, it } from "vitest";
import { issues, withRule } from "./fixture.js";
import { parseTenant } from "./schema.js";

describe("parseTenant: conditions", () => {
  const when = (w: unknown) => parseTenant(withRule(w)).defaultStep.rules[0]?.when;

  it("takes the yes/no conditions as booleans", () => {
    const all = { known: true, vip: false, withheld: false, ambiguous: true, lookupFailed: false };
    expect(when(all)).toEqual(all);
    expect(issues(withRule({ vip: "yes" }))).toEqual([
      { path: "steps.welcome.rules[0].when.vip", message: "expected boolean, received string" },
    ]);
  });

  it("takes tag, key and field as one value or a list", () => {
    expect(when({ tag: "gold", key: 1, field: { city: "İstanbul", segment: ["a", "b"] } })).toEqual({
      tag: ["gold"],
      key: ["1"],
      field: { city: ["İstanbul"], segment: ["a", "b"] },
    });
    expect(when({ key: ["1", 2, "none"] })).toEqual({ key: ["1", "2", "none"] });
    expect(issues(withRule({ tag: [] }))).toEqual([
      { path: "steps.welcome.rules[0].when.tag", message: "empty list; give at least one value" },
    ]);
  });

  it("parses hours windows at load: one, a list, or not", () => {
    expect(when({ hours: "09:00-18:00 mon-fri" })?.hours).toMatchObject({
      not: false,
      windows: [{ start: 540, end: 1080 }],
    });
    expect(when({ hours: ["09:00-12:00", "13:00-18:00"] })?.hours?.windows).toHaveLength(2);
    expect(when({ hours: { not: "09:00-18:00 mon-fri" } })?.hours).toMatchObject({
      not: true,
      windows: [{ start: 540 }],
    });
    expect(when({ hours: { not: ["09:00-12:00", "13:00-18:00"] } })?.hours).toMatchObject({ not: true });
  });

  it("refuses a bad window, naming its path and the expected format", () => {
    const [issue] = issues(withRule({ hours: { not: ["09:00-18:00", "9-18"] } }));
    expect(issue).toEqual({
      path: "steps.welcome.rules[0].when.hours.not[1]",
      message:
        '"9-18" is not a time window; expected "HH:MM-HH:MM [days]", e.g. "09:00-18:00 mon-fri", "10:00-14:00 sat,sun" or "22:00-06:00"',
    });
    expect(issues(withRule({ hours: { nto: "09:00-18:00" } }))[0]).toEqual({
      path: "steps.welcome.rules[0].when.hours.nto",
      message: "unknown key; allowed here: not",
    });
  });

  it("refuses an unknown condition, listing the ones there are", () => {
    expect(issues(withRule({ caller: "0544" }))).toEqual([
      {
        path: "steps.welcome.rules[0].when.caller",
        message: "unknown key; allowed here: known, vip, withheld, ambiguous, lookupFailed, tag, field, key, hours",
      },
    ]);
  });

  it("compiles each rule's condition to a predicate", () => {
    const rule = parseTenant(withRule({ key: "none" })).defaultStep.rules[0];
    expect(typeof rule?.test).toBe("function");
  });
});
