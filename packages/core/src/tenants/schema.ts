import { LRUCache } from "lru-cache";
import { z } from "zod";
import type { Dialect } from "../dialects/dialect.js";
import { DEFAULT_DIALECT, DIALECTS, dialectNames } from "../dialects/index.js";
import type { MatchPolicy } from "../lookup/policy.js";
import { compileCondition, type Predicate } from "../rules/conditions.js";
import { assertTimeZone } from "../rules/hours.js";
import { callLogSchema, cardSchema, notifySchema } from "./after-schema.js";
import type { Condition } from "./condition-schema.js";
import { normaliseDid } from "./did.js";
import { ConfigError, fromZodError } from "./errors.js";
import { duration, rateLimitSchema, strict, text } from "./fields.js";
import { DEFAULT_MATCH, matchSchema, toPolicy } from "./match-schema.js";
import type { ReplyConfig, StepFile } from "./step-schema.js";
import { stepName, stepSchema } from "./step-schema.js";

/** The schema of one tenant file, for a file whose `results` define `codes` and whose PBX speaks `dialect`. */
export function tenantSchema(codes: readonly string[] = [], dialect: Dialect = DEFAULT_DIALECT) {
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
    dialect: z
      .literal(dialect.name)
      .default(dialect.name)
      .transform(() => dialect)
      .describe(`the PBX that calls: ${dialectNames().join(", ")}; default ${DEFAULT_DIALECT.name}`),
    results: z
      .record(z.string().min(1), text)
      .default({})
      .superRefine((results, ctx) => {
        for (const code of Object.keys(results).filter((c) => dialect.targets.has(c))) {
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
    card: cardSchema.default({}).describe("the customer card an agent and the tenant's software get for each call"),
    notify: z.array(notifySchema).default([]).describe("webhooks of the tenant's own software: each call's card"),
    callLog: callLogSchema
      .optional()
      .describe("write each ended call into the CRM's history, through the plugin (its write settings: crm.config)"),
    steps: z
      .record(stepName, stepSchema(codes, dialect))
      .refine((steps) => Object.keys(steps).length > 0, "add at least one step")
      .describe("the integration steps, /t/<id>/<step>; the first is the default"),
  });
}

/** One tenant file as zod reads it, before the steps are compiled and the durations renamed. */
type TenantFile = z.output<ReturnType<typeof tenantSchema>>;

export interface RuleConfig {
  /** Absent: the rule always matches. */
  when?: Condition;
  reply: ReplyConfig;
  /** `when`, compiled at load time. */
  test: Predicate;
}

/**
 * One step, as calls use it: its file's keys (a key added to the step schema must be carried here, or
 * `build` does not compile), its URL segment `name`, its deadline in ms, its rules compiled. First match wins.
 */
export type StepConfig = Omit<StepFile, "deadline" | "rules"> & {
  name: string;
  deadlineMs: number;
  rules: RuleConfig[];
};

/**
 * One tenant file, parsed, interpolated, defaulted and cross-checked: its keys as the schema reads them (so
 * a key added to the schema must be carried by `build`), durations in ms, the match policy, steps in order.
 */
export type TenantConfig = Omit<TenantFile, "cache" | "deadline" | "match" | "steps"> & {
  /** The file it was loaded from (empty when parsed from memory). */
  file: string;
  /** A hash of the file's text: a reload restarts only the tenants whose file changed. */
  fingerprint?: string;
  /** The file's size and times when it was read: a pass reads again only a file whose stat has changed. */
  stat?: string;
  /** Found and not-found ttls, stale-while-revalidate window, and the hard limit of a background lookup. */
  cache: { ttlMs: number; notFoundTtlMs: number; staleForMs: number; lookupLimitMs: number };
  /** The `match:` block: how one caller is chosen among the records that carry the number. */
  match: MatchPolicy;
  /** Steps in file order; the first is {@link defaultStep}. */
  steps: ReadonlyMap<string, StepConfig>;
  defaultStep: StepConfig;
};

function build(raw: TenantFile, file: string): TenantConfig {
  const steps = new Map<string, StepConfig>();
  for (const [name, step] of Object.entries(raw.steps)) {
    const rules = step.rules.map(({ when, reply }): RuleConfig => {
      return when ? { when, reply, test: compileCondition(when) } : { reply, test: compileCondition(undefined) };
    });
    steps.set(name, {
      name,
      lookup: step.lookup,
      deadlineMs: step.deadline ?? raw.deadline,
      rules,
      fallback: step.fallback,
    });
  }
  const [defaultStep] = steps.values();
  if (!defaultStep) throw new Error("a tenant without steps passed the schema"); // it requires one
  const { ttl, notFoundTtl, staleFor, lookupLimit } = raw.cache;
  return {
    id: raw.id,
    file,
    token: raw.token,
    tokenField: raw.tokenField,
    dids: [...new Set(raw.dids)],
    timezone: raw.timezone,
    region: raw.region,
    dialect: raw.dialect,
    results: raw.results,
    speech: raw.speech,
    crm: raw.crm,
    cache: { ttlMs: ttl, notFoundTtlMs: notFoundTtl, staleForMs: staleFor, lookupLimitMs: lookupLimit },
    match: toPolicy(raw.match),
    ...(raw.rateLimit ? { rateLimit: raw.rateLimit } : {}),
    card: raw.card,
    notify: raw.notify,
    ...(raw.callLog ? { callLog: raw.callLog } : {}),
    steps,
    defaultStep,
  };
}

/**
 * The dialect a tenant document names, before the rest is checked against its routing targets: a name the
 * hub does not know is the file's one problem, since every reply would be checked against the wrong PBX.
 */
function dialectOf(doc: Record<string, unknown>, file: string): Dialect {
  const name = doc.dialect;
  if (name === undefined) return DEFAULT_DIALECT;
  const dialect = typeof name === "string" ? DIALECTS.get(name) : undefined;
  if (dialect) return dialect;
  const known = dialectNames().join(", ");
  const message = `${JSON.stringify(name)} is not a dialect this hub knows; use one of: ${known}`;
  throw new ConfigError(file, [{ path: "dialect", message }]);
}

/**
 * The schema of files with these codes and this dialect, built once: zod compiles a schema on its first
 * parse, which costs more than the parse itself, and a reseller's tenants mostly share their codes.
 */
function schemaFor(codes: readonly string[], dialect: Dialect): ReturnType<typeof tenantSchema> {
  const key = `${dialect.name}\0${codes.join("\0")}`;
  let schema = schemas.get(key);
  if (!schema) {
    schema = tenantSchema(codes, dialect);
    schemas.set(key, schema);
  }
  return schema;
}

const schemas = new LRUCache<string, ReturnType<typeof tenantSchema>>({ max: 256 });

/** Validates an interpolated tenant document; throws a ConfigError naming `file` and every bad path. */
export function parseTenant(raw: unknown, file = ""): TenantConfig {
  const doc = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const dialect = dialectOf(doc, file);
  const results = doc.results;
  const codes = results !== null && typeof results === "object" ? Object.keys(results) : [];
  const parsed = schemaFor(codes, dialect).safeParse(raw);
  if (!parsed.success) throw fromZodError(file, parsed.error);
  return build(parsed.data, file);
}
