import { ConfigError, type ConfigIssue } from "./errors.js";
import { parseTenant } from "./schema.js";

// Test helpers for the schema tests: a valid tenant document, and the issues a broken one gets.

export type Raw = Record<string, unknown>;

export function tenant(over: Raw = {}): Raw {
  return {
    id: "acme",
    token: "s3cret-token",
    results: { "1": "known customer", "2": "unknown caller", e: "error" },
    crm: { adapter: "csv", config: { file: "contacts.csv" } },
    steps: {
      welcome: {
        rules: [{ when: { known: true }, reply: { result: "queue", redirect: "satis" } }, { reply: { result: "2" } }],
        fallback: { result: "e" },
      },
    },
    ...over,
  };
}

/** A tenant whose only step has one rule with this `when` and `reply`. */
export function withRule(when: unknown, reply: unknown = { result: "1" }): Raw {
  return tenant({ steps: { welcome: { rules: [{ when, reply }], fallback: { result: "e" } } } });
}

export function issues(raw: unknown): ConfigIssue[] {
  try {
    parseTenant(raw, "config/tenants/acme.yaml");
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the tenant to be refused");
}

export const TARGETS =
  "dynamic, dial, announcement, menu, timecondition, sms, queue, extensions, voicemail, hangup, interactivemenu";
