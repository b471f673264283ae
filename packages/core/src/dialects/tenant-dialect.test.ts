import { definePlugin } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answer } from "../answer.js";
import { compileReplies, type LiveTenant } from "../hub/live-tenant.js";
import { notFound } from "../lookup/lookup-caller.js";
import { ConfigError } from "../tenants/errors.js";
import { tenant } from "../tenants/fixture.js";
import { parseTenantSource } from "../tenants/load.js";
import { parseTenant, tenantSchema } from "../tenants/schema.js";
import { tokenBytes } from "../tenants/token.js";
import type { Dialect } from "./dialect.js";
import { DIALECTS } from "./index.js";
import { netsantral } from "./netsantral/index.js";

// A tenant file names its PBX's dialect, and what a reply may say is that dialect's: its routing targets and
// which of them need a redirect, both when the file loads and when a call is answered.

/** A PBX of another shape: `transfer` routes somewhere, `hangup` nowhere, and none of Netsantral's exist. */
const other: Dialect = {
  ...netsantral,
  name: "other",
  targets: new Map([
    ["transfer", { redirect: "where to transfer the call" }],
    ["hangup", { redirect: null }],
    ["extensions", { redirect: null }],
  ]),
};

function refused(raw: unknown, dialect: Dialect) {
  const parsed = tenantSchema(["1", "2", "e"], dialect).safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("a tenant file's dialect", () => {
  it("is netsantral when the file does not say, and when it says so", () => {
    expect(parseTenant(tenant()).dialect).toBe(netsantral);
    expect(parseTenant(tenant({ dialect: "netsantral" })).dialect).toBe(netsantral);
    expect(DIALECTS.get("netsantral")).toBe(netsantral);
  });

  it("refuses a dialect the hub does not know, naming the file and the dialects it knows", () => {
    const source = "id: acme\ntoken: s3cret-token\ndialect: verimor\ncrm: { adapter: csv }\nsteps: {}\n";
    const error = (() => {
      try {
        parseTenantSource(source, "config/tenants/acme.yaml", {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'config/tenants/acme.yaml: dialect: "verimor" is not a dialect this hub knows; use one of: netsantral',
    );
  });

  it("checks every reply against its dialect's routing targets, and which of them need a redirect", () => {
    const step = (reply: unknown) => tenant({ steps: { welcome: { rules: [{ reply }], fallback: { result: "e" } } } });
    expect(refused(step({ result: "queue", redirect: "satis" }), other)).toEqual([
      {
        path: "steps.welcome.rules.0.reply.result",
        message:
          '"queue" is not a result code of this tenant nor a routing target; use one of: 1, 2, e, transfer, hangup, extensions',
      },
    ]);
    expect(refused(step({ result: "transfer" }), other)).toEqual([
      {
        path: "steps.welcome.rules.0.reply.redirect",
        message: 'result "transfer" needs a redirect: where to transfer the call',
      },
    ]);
    expect(refused(step({ result: "extensions", redirect: "101" }), other)[0]?.message).toBe(
      'the PBX ignores redirect with result "extensions"; remove it',
    );
    expect(refused(step({ result: "transfer", redirect: "user/1000" }), other)).toEqual([]);
    expect(refused(tenant({ results: { transfer: "x", e: "error" } }), other)[0]?.path).toBe("results.transfer");
  });

  it("decides at answer time whether an empty redirect sends the call to the fallback", () => {
    const source = `
id: acme
token: s3cret-token
results: { e: error }
crm: { adapter: fake }
steps:
  welcome:
    rules: [{ reply: { result: extensions, redirect: "{{ contact.owner.extension }}" } }]
    fallback: { result: e }
`;
    const config = parseTenantSource(source, "/config/tenants/acme.yaml", {});
    const plugin = definePlugin({
      name: "fake",
      configSchema: z.object({}),
      create: () => ({ lookup: async () => [] }),
    });
    const live = (dialect: Dialect): LiveTenant => {
      const withDialect = { ...config, dialect };
      return {
        config: withDialect,
        plugin,
        adapter: { lookup: async () => [] },
        policy: config.match,
        cacheHash: "test",
        tokenBytes: tokenBytes(config.token),
        replies: compileReplies(withDialect),
      };
    };
    const call = { callId: "1", caller: null, callerRaw: "", called: "", pbx: "", vars: {}, format: "json" } as const;
    const now = new Date("2026-11-25T08:00:00Z");
    const step = config.defaultStep;
    // Netsantral's `extensions` needs its redirect: a caller with no owner gets the fallback, never "nowhere"
    const routed = answer(live(netsantral), step, call, notFound(), now);
    expect(routed).toMatchObject({ decision: { result: "e" }, emptyRedirect: 0 });
    // the other PBX's `extensions` takes none: the rule's answer stands
    const other_ = answer(live(other), step, call, notFound(), now);
    expect(other_.decision).toEqual({ status: "success", result: "extensions" });
    expect(other_.emptyRedirect).toBeUndefined();
  });
});
