import { describe, expect, it } from "vitest";
import { issues, TARGETS, tenant, withRule } from "./fixture.js";
import { parseTenant } from "./schema.js";

describe("parseTenant: replies", () => {
  it("refuses a result that is neither a tenant code nor a routing target, listing both", () => {
    expect(issues(withRule(undefined, { result: "quue", redirect: "satis" }))).toEqual([
      {
        path: "steps.welcome.rules[0].reply.result",
        message: `"quue" is not a result code of this tenant nor a routing target; use one of: 1, 2, e, ${TARGETS}`,
      },
    ]);
  });

  it("checks the fallback like any reply", () => {
    const raw = tenant({ steps: { welcome: { rules: [{ reply: { result: "e" } }], fallback: { result: "x" } } } });
    expect(issues(raw)[0]?.path).toBe("steps.welcome.fallback.result");
  });

  it("requires a redirect for every routing target but hangup", () => {
    expect(issues(withRule(undefined, { result: "queue" }))).toEqual([
      {
        path: "steps.welcome.rules[0].reply.redirect",
        message: 'result "queue" needs a redirect: the queue (department) to send the call to',
      },
    ]);
    expect(issues(withRule(undefined, { result: "extensions" }))[0]?.message).toBe(
      'result "extensions" needs a redirect: the extension to send the call to',
    );
    expect(parseTenant(withRule(undefined, { result: "hangup" })).defaultStep.rules[0]?.reply).toEqual({
      result: "hangup",
    });
  });

  it("refuses a redirect the PBX would ignore", () => {
    expect(issues(withRule(undefined, { result: "1", redirect: "101" }))).toEqual([
      {
        path: "steps.welcome.rules[0].reply.redirect",
        message: `"1" is a result code of this tenant, and the PBX ignores redirect with those; remove redirect, or use a routing target (${TARGETS}) as result`,
      },
    ]);
    expect(issues(withRule(undefined, { result: "hangup", redirect: "x" }))).toEqual([
      {
        path: "steps.welcome.rules[0].reply.redirect",
        message: 'the PBX ignores redirect with result "hangup"; remove it',
      },
    ]);
  });

  it("refuses a tenant result code named like a routing target", () => {
    expect(issues(tenant({ results: { "2": "unknown", e: "error", queue: "oops" } }))).toEqual([
      {
        path: "results.queue",
        message: '"queue" is a routing target, so the PBX would route instead of reading this code; pick another code',
      },
    ]);
  });

  it("reads numbers as the digits written: result 1, redirect 101", () => {
    const reply = parseTenant(withRule(undefined, { result: "extensions", redirect: 101 })).defaultStep.rules[0]?.reply;
    expect(reply).toEqual({ result: "extensions", redirect: "101" });
    expect(parseTenant(withRule(undefined, { result: 1 })).defaultStep.rules[0]?.reply.result).toBe("1");
  });

  it("refuses an unknown key in a reply", () => {
    expect(issues(withRule(undefined, { result: "1", data: "x" }))).toEqual([
      { path: "steps.welcome.rules[0].reply.data", message: "unknown key; allowed here: result, redirect, say" },
    ]);
  });
});
