import { describe, expect, it } from "vitest";
import { issues, tenant, withRule } from "./fixture.js";
import { parseTenant } from "./schema.js";

describe("parseTenant: defaults and normalisation", () => {
  it("fills in every default a minimal file leaves out", () => {
    const t = parseTenant(
      tenant({
        results: undefined,
        steps: { welcome: { rules: [{ reply: { result: "hangup" } }], fallback: { result: "hangup" } } },
      }),
    );
    expect(t).toMatchObject({
      tokenField: "token",
      dids: [],
      timezone: "Europe/Istanbul",
      region: "TR",
      results: {},
      speech: { maxLength: 750 },
      cache: { ttlMs: 600_000, notFoundTtlMs: 120_000, staleForMs: 3_600_000, lookupLimitMs: 10_000 },
    });
    expect(t.defaultStep).toMatchObject({ name: "welcome", lookup: "phone", deadlineMs: 1500 });
  });

  it("keeps steps in file order and makes the first the default", () => {
    const step = { rules: [{ reply: { result: "hangup" } }], fallback: { result: "e" } };
    const t = parseTenant(
      tenant({ steps: { welcome: step, "menu-2": { ...step, lookup: "customerNumber" }, after_hours: step } }),
    );
    expect([...t.steps.keys()]).toEqual(["welcome", "menu-2", "after_hours"]);
    expect(t.defaultStep).toBe(t.steps.get("welcome"));
    expect(t.steps.get("menu-2")?.lookup).toBe("customerNumber");
  });

  it("reads DIDs in any Turkish form as 10 national digits", () => {
    const t = parseTenant(
      tenant({
        dids: ["8503030303", "08503030304", "908503030305", "+90 850 303 03 06", 8503030307, "0850 303 03 03"],
      }),
    );
    expect(t.dids).toEqual(["8503030303", "8503030304", "8503030305", "8503030306", "8503030307"]);
  });

  it("refuses a DID that is not a Turkish number, naming its index", () => {
    expect(issues(tenant({ dids: ["8503030303", "12345"] }))).toEqual([
      { path: "dids[1]", message: '"12345" is not a 10-digit Turkish number' },
    ]);
  });

  it("takes deadlines and cache times as durations", () => {
    const t = parseTenant(
      tenant({
        deadline: "2s",
        cache: { ttl: "1h", notFoundTtl: 30_000 },
        steps: {
          a: { deadline: "800ms", rules: [{ reply: { result: "e" } }], fallback: { result: "e" } },
          b: { rules: [{ reply: { result: "e" } }], fallback: { result: "e" } },
        },
      }),
    );
    expect(t.steps.get("a")?.deadlineMs).toBe(800);
    expect(t.steps.get("b")?.deadlineMs).toBe(2000);
    expect(t.cache).toEqual({ ttlMs: 3_600_000, notFoundTtlMs: 30_000, staleForMs: 3_600_000, lookupLimitMs: 10_000 });
    expect(issues(tenant({ deadline: "2 seconds" }))).toEqual([
      { path: "deadline", message: '"2 seconds" is not a duration; write 1500ms, 2s, 10m or 1h' },
    ]);
  });

  it("accepts a literal token of 8 characters or more", () => {
    expect(parseTenant(tenant({ token: "12345678" })).token).toBe("12345678");
    expect(issues(tenant({ token: "short" }))).toEqual([
      { path: "token", message: "too short; use at least 8 characters" },
    ]);
  });
});

describe("parseTenant: fields a typo breaks", () => {
  it("refuses an unknown key, listing the keys allowed there", () => {
    const [issue] = issues(tenant({ tokn: "x" }));
    expect(issue?.path).toBe("tokn");
    expect(issue?.message).toMatch(/^unknown key; allowed here: id, token, tokenField, dids, timezone/);
  });

  it("refuses a bad id, a bad time zone, a bad region and an out-of-range speech length", () => {
    expect(
      issues(tenant({ id: "Acme_1", timezone: "Europe/Istambul", region: "tr", speech: { maxLength: 10 } })),
    ).toEqual([
      { path: "id", message: "use lower-case letters, digits and dashes, starting with a letter or digit" },
      { path: "timezone", message: '"Europe/Istambul" is not a time zone; use an IANA name like Europe/Istanbul' },
      { path: "region", message: "use a two-letter region code like TR" },
      { path: "speech.maxLength", message: "use 50 to 2000" },
    ]);
  });

  it("refuses a missing crm, steps and fallback", () => {
    expect(issues(tenant({ crm: undefined }))).toEqual([{ path: "crm", message: "missing; expected object" }]);
    expect(issues(tenant({ steps: {} }))).toEqual([{ path: "steps", message: "add at least one step" }]);
    expect(issues(tenant({ steps: { welcome: { rules: [{ reply: { result: "e" } }] } } }))).toEqual([
      { path: "steps.welcome.fallback", message: "missing; expected object" },
    ]);
    expect(issues(tenant({ steps: { welcome: { rules: [], fallback: { result: "e" } } } }))).toEqual([
      { path: "steps.welcome.rules", message: "a step needs at least one rule" },
    ]);
  });

  it("refuses a step name that cannot be a URL segment or has no letter", () => {
    const step = { rules: [{ reply: { result: "e" } }], fallback: { result: "e" } };
    const message = "a step name uses a-z, 0-9, _ and -, with at least one letter (it is part of the URL)";
    expect(issues(tenant({ steps: { Welcome: step, "2": step } }))).toEqual([
      { path: 'steps["2"]', message },
      { path: "steps.Welcome", message },
    ]);
  });

  it("reports every problem of a file at once", () => {
    const raw = withRule({ knwon: true }, { result: "quue" });
    expect(issues({ ...raw, token: "x" }).map((i) => i.path)).toEqual([
      "token",
      "steps.welcome.rules[0].when.knwon",
      "steps.welcome.rules[0].reply.result",
    ]);
  });
});
