import { describe, expect, it } from "vitest";
import { TenantRegistry } from "./registry.js";
import { parseTenant } from "./schema.js";
import type { TenantConfig } from "./types.js";

function tenant(id: string, dids: string[]): TenantConfig {
  const step = { rules: [{ reply: { result: "hangup" } }], fallback: { result: "hangup" } };
  return parseTenant(
    { id, token: "s3cret-token", dids, crm: { adapter: "csv" }, steps: { welcome: step } },
    `${id}.yaml`,
  );
}

describe("TenantRegistry", () => {
  const acme = tenant("acme", ["8503030303"]);
  const beta = tenant("beta", ["02125550000"]);
  const registry = new TenantRegistry([acme, beta]);

  it("finds a tenant by its URL id", () => {
    expect(registry.byId("acme")).toBe(acme);
    expect(registry.byId("nope")).toBeUndefined();
    expect(registry.size).toBe(2);
  });

  it.each([
    "8503030303",
    "08503030303",
    "908503030303",
    "+908503030303",
    "+90 850 303 03 03",
    "0850 303 03 03",
    "(0850) 303-0303",
    "00908503030303",
  ])("finds a tenant by the called number written %s", (called) => {
    expect(registry.byDid(called)).toBe(acme);
  });

  it("finds nobody for an unknown, short or empty called number", () => {
    expect(registry.byDid("8503030399")).toBeUndefined();
    expect(registry.byDid("850303")).toBeUndefined();
    expect(registry.byDid("")).toBeUndefined();
    expect(registry.byDid("2125550000")).toBe(beta);
  });

  it("refuses two tenants with one id or one DID", () => {
    expect(() => new TenantRegistry([acme, tenant("acme", [])])).toThrow(
      'tenant id "acme" is used by both acme.yaml and acme.yaml',
    );
    expect(() => new TenantRegistry([acme, tenant("gamma", ["908503030303"])])).toThrow(
      'DID 8503030303 belongs to both tenant "acme" and tenant "gamma"',
    );
  });
});
