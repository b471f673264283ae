import { z } from "zod";
import { compileCondition } from "../rules/conditions.js";
import { assertTimeZone } from "../rules/hours.js";
import { normaliseDid } from "./did.js";
import { fromZodError } from "./errors.js";
import { duration, rateLimitSchema, strict, text } from "./fields.js";
import { DEFAULT_MATCH, matchSchema, toPolicy } from "./match-schema.js";
import { stepName, stepSchema, TARGETS } from "./step-schema.js";
import type { Condition, StepConfig, TenantConfig } from "./types.js";

/** The schema of one tenant file, for a file whose `results` define `codes`. */
export function tenantSchema(codes: readonly string[] = []) {
  return strict({
    id: text
      .pipe(
        z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes, starting with a letter or digit"),
      )
      .describe("the URL is /t/<id>; equals the file name"),
    token: text.pipe(z.string().min(8, "too short; use at least 8 characters")).describe("the panel's static token"),
    tokenField: z.string().min(1).default("token").describe("the static variable that carries the token"),
    dids: z
      .array(
        text.transform((value, ctx) => {
          const did = normaliseDid(value);
          if (did) return did;
          ctx.addIssue({ code: "custom", message: `"${value}" is not a 10-digit Turkish number`, input: value });
          return z.NEVER;
        }),
      )
      .default([])
      .describe("the tenant's called numbers, to find it without the URL"),
    timezone: z
      .string()
      .default("Europe/Istanbul")
      .superRefine((zone, ctx) => {
        try {
          assertTimeZone(zone);
        } catch {
          ctx.addIssue({
            code: "custom",
            message: `"${zone}" is not a time zone; use an IANA name like Europe/Istanbul`,
            input: zone,
          });
        }
      })
      .describe("IANA time zone of the `hours` conditions"),
    region: z
      .string()
      .regex(/^[A-Z]{2}$/, "use a two-letter region code like TR")
      .default("TR"),
    results: z
      .record(z.string().min(1), text)
      .default({})
      .superRefine((results, ctx) => {
        for (const code of Object.keys(results).filter((c) => TARGETS.includes(c))) {
          ctx.addIssue({
            code: "custom",
            path: [code],
            input: code,
            message: `"${code}" is a routing target, so the PBX would route instead of reading this code; pick another code`,
          });
        }
      })
      .describe("the tenant's own result codes, as typed in its panel → their meaning"),
    speech: strict({
      maxLength: z
        .number()
        .int()
        .min(50, "use 50 to 2000")
        .max(2000, "use 50 to 2000")
        .default(750)
        .describe("characters read, at most"),
    }).default({ maxLength: 750 }),
    crm: strict({
      adapter: z.string().min(1).describe("plugin name (csv, sql, …) or package name"),
      config: z.record(z.string(), z.unknown()).default({}).describe("the plugin's own config, checked by its schema"),
    }),
    cache: strict({
      ttl: duration.default(600_000).describe("how long a found contact is kept"),
      notFoundTtl: duration.default(120_000).describe("how long a not-found answer is kept"),
      staleFor: duration.default(3_600_000).describe("how long past its ttl an entry is served while refreshed"),
      lookupLimit: duration
        .default(10_000)
        .describe("how long a lookup past the deadline goes on in the background to warm the cache, then is aborted"),
    }).default({ ttl: 600_000, notFoundTtl: 120_000, staleFor: 3_600_000, lookupLimit: 10_000 }),
    match: matchSchema
      .default(DEFAULT_MATCH)
      .describe("how one caller is chosen when several records carry the number"),
    deadline: duration.default(1500).describe("how long the caller may wait for the CRM, for every step"),
    rateLimit: rateLimitSchema.optional().describe("calls per second this tenant may make; default: hub.yaml's"),
    steps: z
      .record(stepName, stepSchema(codes))
      .refine((steps) => Object.keys(steps).length > 0, "add at least one step")
      .describe("the integration steps, /t/<id>/<step>; the first is the default"),
  });
}

type TenantFile = z.output<ReturnType<typeof tenantSchema>>;

function build(raw: TenantFile, file: string): TenantConfig {
  const steps = new Map<string, StepConfig>();
  for (const [name, step] of Object.entries(raw.steps)) {
    const rules = step.rules.map(({ when, reply }) => {
      const condition = when as Condition | undefined;
      return condition
        ? { when: condition, reply, test: compileCondition(condition) }
        : { reply, test: compileCondition(undefined) };
    });
    steps.set(name, {
      name,
      lookup: step.lookup,
      deadlineMs: step.deadline ?? raw.deadline,
      rules,
      fallback: step.fallback,
    });
  }
  const defaultStep = steps.values().next().value as StepConfig;
  const { ttl, notFoundTtl, staleFor, lookupLimit } = raw.cache;
  return {
    id: raw.id,
    file,
    token: raw.token,
    tokenField: raw.tokenField,
    dids: [...new Set(raw.dids)],
    timezone: raw.timezone,
    region: raw.region,
    results: raw.results,
    speech: raw.speech,
    crm: raw.crm,
    cache: { ttlMs: ttl, notFoundTtlMs: notFoundTtl, staleForMs: staleFor, lookupLimitMs: lookupLimit },
    match: toPolicy(raw.match),
    ...(raw.rateLimit ? { rateLimit: raw.rateLimit } : {}),
    steps,
    defaultStep,
  };
}

/** Validates an interpolated tenant document; throws a ConfigError naming `file` and every bad path. */
export function parseTenant(raw: unknown, file = ""): TenantConfig {
  const results = raw !== null && typeof raw === "object" ? (raw as { results?: unknown }).results : undefined;
  const codes = results !== null && typeof results === "object" ? Object.keys(results) : [];
  const parsed = tenantSchema(codes).safeParse(raw);
  if (!parsed.success) throw fromZodError(file, parsed.error);
  return build(parsed.data, file);
}
