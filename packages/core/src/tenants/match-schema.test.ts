import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../lookup/policy.js";
import { issues, tenant } from "./fixture.js";
import { parseTenant } from "./schema.js";

describe("the tenant's match policy", () => {
  it("defaults to every resolver in order, Contact before Lead before Account, no company fallback", () => {
    expect(parseTenant(tenant()).match).toEqual({
      resolvers: ["sameOwner", "kind", "updated", "created"],
      kinds: ["Contact", "Lead", "Account"],
      companyFallback: false,
      companyKinds: ["Account", "company"],
      limit: 10,
    });
    expect(parseTenant(tenant()).match).toEqual(DEFAULT_POLICY);
  });

  it("takes any subset of resolvers in any order, and fills in the keys left out", () => {
    const t = parseTenant(tenant({ match: { resolvers: ["updated", "sameOwner"], companyFallback: true } }));
    expect(t.match).toEqual({ ...DEFAULT_POLICY, resolvers: ["updated", "sameOwner"], companyFallback: true });
  });

  it("takes an empty resolver list: several records are then always ambiguous", () => {
    expect(parseTenant(tenant({ match: { resolvers: [] } })).match.resolvers).toEqual([]);
  });

  it("takes the tenant's own kinds, company kinds and limit", () => {
    const match = { kinds: ["Lead", "Contact"], companyKinds: ["Firma"], limit: 3 };
    expect(parseTenant(tenant({ match })).match).toMatchObject(match);
  });

  it("gives each tenant its own copy of the defaults", () => {
    const a = parseTenant(tenant()).match;
    a.resolvers.pop();
    expect(parseTenant(tenant()).match.resolvers).toHaveLength(4);
  });

  it("names an unknown resolver and lists the allowed ones", () => {
    expect(issues(tenant({ match: { resolvers: ["sameOwner", "newest"] } }))).toEqual([
      {
        path: "match.resolvers[1]",
        message: '"newest" is not a resolver; use any of, in the order to try: sameOwner, kind, updated, created',
      },
    ]);
  });

  it("refuses a resolver listed twice", () => {
    expect(issues(tenant({ match: { resolvers: ["kind", "updated", "kind"] } }))).toEqual([
      { path: "match.resolvers[2]", message: '"kind" is listed twice; list it once' },
    ]);
  });

  it("refuses unknown keys, listing the allowed ones", () => {
    expect(issues(tenant({ match: { resolver: ["kind"] } }))).toEqual([
      {
        path: "match.resolver",
        message: "unknown key; allowed here: resolvers, kinds, companyFallback, companyKinds, limit",
      },
    ]);
  });

  it("refuses empty kind lists, a non-boolean fallback and a limit out of range", () => {
    const found = issues(tenant({ match: { kinds: [], companyFallback: "yes", limit: 0 } }));
    expect(found.map((i) => i.path)).toEqual(["match.kinds", "match.companyFallback", "match.limit"]);
    expect(found[0]?.message).toMatch(/name at least one kind/);
    expect(found[1]?.message).toMatch(/expected boolean/);
    expect(found[2]?.message).toBe("use 1 to 100");
  });
});
