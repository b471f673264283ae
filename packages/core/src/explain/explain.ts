import { type Contact, type Logger, parsePhone, type SearchDescription } from "@santral-hub/sdk";
import { answer } from "../answer.js";
import type { CallEvent, Decision } from "../call.js";
import { type LiveTenant, startTenant } from "../hub/live-tenant.js";
import { lookupCaller, queryFor } from "../lookup/lookup-caller.js";
import type { Choice, MatchPolicy } from "../lookup/policy.js";
import { nameOf } from "../lookup/records.js";
import type { Condition, LookupKind, ReplyConfig, TenantConfig } from "../tenants/types.js";
import { type ExplainedCandidate, explainCandidates } from "./candidates.js";
import { explainNotes } from "./notes.js";
import { ExplainError, findStep, findTenant } from "./tenant.js";

export type { ExplainedCandidate } from "./candidates.js";
export { ExplainError } from "./tenant.js";

export interface ExplainOptions {
  /** The hub's config directory (with `hub.yaml` and the tenants directory). */
  configDir: string;
  tenant: string;
  /** The caller's number, in any form the PBX sends. */
  number?: string;
  /** The digits typed in the IVR (`tus_bilgisi`): the lookup key of a `lookup: customerNumber` step. */
  customerNumber?: string;
  /** The step to explain; default: the tenant's first. */
  step?: string;
  /** For `${env:…}` in tenant files; default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The clock for `hours` conditions; default: now. */
  now?: Date;
  /** Where plugin packages resolve from, before the working directory and the config directory. */
  resolveFrom?: string[];
}

export interface Explanation {
  tenant: string;
  file: string;
  step: { name: string; lookup: LookupKind; deadlineMs: number };
  /** The number as given, and as parsed: `variants` are the shapes a plugin searches. */
  caller: { input: string; e164: string; national: string; country?: string; variants: string[] } | null;
  customerNumber: string | null;
  /** What the CRM was asked; null when the step asked nothing (see `notes`). */
  query: { phone?: string; customerNumber?: string } | null;
  crm: {
    adapter: string;
    plugin: string;
    returned: number;
    error?: { kind: string; message: string };
    /** The columns, fields or properties the lookup searched (from the plugin, for its config); null: it does not say. */
    searched: string[] | null;
    /** The kinds of record this CRM has (`{ column }`: a column holds them); null when its records have none. */
    kinds: string[] | { column: string } | null;
  };
  candidates: ExplainedCandidate[];
  policy: MatchPolicy;
  choice: Omit<Choice, "contact" | "pool" | "trace"> & {
    contact: string | null;
    name: string | null;
    trace: { resolver: string; outcome: string; remaining: string[] }[];
  };
  rule: { index: number | "fallback"; when: Record<string, unknown> | null; reply: ReplyConfig };
  /** The tenant's PBX dialect, which wrote `reply`. */
  dialect: string;
  /** What the step decided, in the hub's words: the result, the redirect, the speech. */
  decision: Decision;
  /** The decision as the PBX reads it, in the tenant's dialect. */
  reply: Readonly<Record<string, unknown>>;
  /** Milliseconds per stage; `load` includes reading every tenant file and starting this tenant's plugin. */
  timings: { load: number; lookup: number; verify: number; choose: number; decide: number };
  /** Plain sentences on what happened, for "why was this caller not recognised?". */
  notes: string[];
  /** What the plugin logged meanwhile (plugins never log numbers or names). */
  log: Record<string, unknown>[];
}

/**
 * What the hub would do with one call, and why, stage by stage: the parsed number and the shapes searched,
 * every record the CRM returned and why it was kept or dropped, what decided among them, the rule that
 * fired and the reply. It asks the tenant's CRM directly (no cache) and runs the call path's own functions.
 */
export async function explain(opts: ExplainOptions): Promise<Explanation> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const log = collectingLogger();
  const config = await findTenant(opts.configDir, opts.tenant, env);
  const step = findStep(config, opts.step);
  let tenant: LiveTenant;
  try {
    const resolveFrom = [...(opts.resolveFrom ?? []), process.cwd(), opts.configDir];
    tenant = await startTenant(config, { resolveFrom, log });
  } catch (error) {
    throw new ExplainError("broken_tenant", (error as Error).message);
  }
  const load = performance.now() - started;
  try {
    const call = callFor(opts, config);
    const query = queryFor(step.lookup, call);
    const found = await lookupCaller(tenant.adapter, query, {
      policy: tenant.policy,
      region: config.region,
      deadlineMs: step.deadlineMs,
      log,
    });
    const search = describeSearch(tenant, step.lookup);
    const deciding = performance.now();
    const answered = answer(tenant, step, call, found, opts.now ?? new Date());
    const decide = performance.now() - deciding;
    const { choice } = found;
    const rule = answered.match.rule;
    return {
      tenant: config.id,
      file: config.file,
      step: { name: step.name, lookup: step.lookup, deadlineMs: step.deadlineMs },
      caller: call.caller && {
        input: opts.number ?? "",
        e164: call.caller.e164,
        national: call.caller.national,
        ...(call.caller.country ? { country: call.caller.country } : {}),
        variants: call.caller.variants,
      },
      customerNumber: call.keys ?? null,
      query: query && {
        ...(query.phone ? { phone: query.phone.e164 } : {}),
        ...(query.customerNumber ? { customerNumber: query.customerNumber } : {}),
      },
      crm: {
        adapter: config.crm.adapter,
        plugin: tenant.plugin.name,
        returned: found.candidates,
        ...(found.error ? { error: found.error } : {}),
        searched: search?.fields ?? null,
        // a plugin that does not say: the kinds the records it returned carry, if any
        kinds: search ? (search.kinds ?? null) : kindsIn(found.returned),
      },
      candidates: explainCandidates(found, tenant.policy, { e164: call.caller?.e164, region: config.region }),
      policy: tenant.policy,
      choice: {
        contact: choice?.contact?.id ?? null,
        name: choice?.contact ? nameOf(choice.contact) || null : null,
        ambiguous: found.ambiguous,
        resolver: found.resolver,
        companyFallback: choice?.companyFallback ?? false,
        nameWithheld: choice?.nameWithheld ?? false,
        overLimit: choice?.overLimit ?? false,
        trace: (choice?.trace ?? []).map((s) => ({ ...s, remaining: s.remaining.map((c) => c.id) })),
      },
      rule: {
        index: rule,
        when: rule === "fallback" ? null : whenAsWritten(step.rules[rule]?.when),
        reply: answered.match.reply,
      },
      dialect: config.dialect.name,
      decision: answered.decision,
      reply: config.dialect.writeReply(answered.decision),
      timings: {
        load: ms(load),
        lookup: ms(found.timings.lookup),
        verify: ms(found.timings.verify),
        choose: ms(found.timings.choose),
        decide: ms(decide),
      },
      notes: [
        ...explainNotes({
          input: opts.number ?? "",
          step,
          call,
          found,
          emptyRedirect: answered.emptyRedirect,
          searched: search?.fields,
        }),
        // rows the adapter could not load (a CSV's malformed rows) are a caller "not found" until fixed
        ...(tenant.adapter.data?.().warnings ?? []),
      ],
      log: log.entries,
    };
  } finally {
    await tenant.adapter.close?.();
  }
}

/** Where the plugin says this step's lookup searches under the tenant's config; undefined when it does not say. */
function describeSearch(tenant: LiveTenant, lookup: LookupKind): SearchDescription | undefined {
  const { plugin, config } = tenant;
  if (!plugin.describeSearch || lookup === "none") return undefined;
  const parsed = plugin.configSchema.safeParse(config.crm.config);
  return parsed.success ? plugin.describeSearch(parsed.data, lookup) : undefined;
}

function kindsIn(records: readonly Contact[]): string[] | null {
  const kinds = [...new Set(records.flatMap((r) => (r.kind ? [r.kind] : [])))];
  return kinds.length > 0 ? kinds : null;
}

/** The call as stage 3 would make it from these fields. */
function callFor(opts: ExplainOptions, config: TenantConfig): CallEvent {
  const input = opts.number ?? "";
  const call: CallEvent = {
    callId: "explain",
    caller: parsePhone(input, config.region),
    callerRaw: input,
    called: config.dids[0] ?? "",
    pbx: "",
    vars: {},
    format: "json",
  };
  const keys = (opts.customerNumber ?? "").trim();
  if (keys !== "" && keys !== "-1") call.keys = keys;
  return call;
}

/** A rule's `when` in the shape it is written in the tenant file (time windows as text). */
function whenAsWritten(when: Condition | undefined): Record<string, unknown> | null {
  if (!when) return null;
  const { hours, ...rest } = when;
  if (!hours) return { ...rest };
  const windows = hours.windows.map((w) => w.text);
  const written = windows.length === 1 ? windows[0] : windows;
  return { ...rest, hours: hours.not ? { not: written } : written };
}

function ms(value: number): number {
  return Math.round(value * 100) / 100;
}

function collectingLogger(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, msg, ...obj });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
