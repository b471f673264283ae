import type { MatchPolicy } from "../lookup/policy.js";
import type { RuleFacts } from "../rules/conditions.js";
import type { TimeWindow } from "../rules/hours.js";
import type { RateLimit } from "./fields.js";

/** What a rule or fallback answers. `redirect` and `say` are templates, rendered by the speech stage. */
export interface ReplyConfig {
  /** One of the tenant's `results` codes, or a routing target (`queue`, `extensions`, …). */
  result: string;
  redirect?: string;
  say?: string;
}

/** A rule's `when`, as written but normalised: single values become lists, windows are parsed. */
export interface Condition {
  known?: boolean;
  vip?: boolean;
  withheld?: boolean;
  ambiguous?: boolean;
  lookupFailed?: boolean;
  /** The contact has any of these tags. */
  tag?: string[];
  /** `contact.fields[name]` equals one of the values (case-insensitive, Turkish-aware). */
  field?: Record<string, string[]>;
  /** The keys pressed equal one of these; `none` matches a call where no key was pressed. */
  key?: string[];
  /** Inside any of `windows` (outside all of them when `not`), in the tenant's time zone. */
  hours?: { not: boolean; windows: TimeWindow[] };
}

export interface RuleConfig {
  /** Absent: the rule always matches. */
  when?: Condition;
  reply: ReplyConfig;
  /** `when`, compiled at load time. */
  test: (facts: RuleFacts) => boolean;
}

export type LookupKind = "phone" | "customerNumber" | "none";

export interface StepConfig {
  /** The URL segment: `/t/:tenant/:step`. */
  name: string;
  /** What to look the caller up by: the number, the digits typed (`tus_bilgisi`), or nothing. */
  lookup: LookupKind;
  /** How long the caller may wait for the CRM before the fallback is sent. */
  deadlineMs: number;
  /** First match wins. */
  rules: RuleConfig[];
  /** The reply when the CRM could not tell (down, slow, refused). */
  fallback: ReplyConfig;
}

/** One tenant file, parsed, interpolated, defaulted and cross-checked. */
export interface TenantConfig {
  id: string;
  /** The file it was loaded from (empty when parsed from memory). */
  file: string;
  token: string;
  /** The static variable that carries the token. */
  tokenField: string;
  /** The tenant's numbers in 10-digit national form (`8503030303`). */
  dids: string[];
  /** IANA zone for `hours` conditions. */
  timezone: string;
  /** Phone region for parsing callers (ISO 3166 alpha-2). */
  region: string;
  /** The tenant's own result codes → what they mean. */
  results: Record<string, string>;
  speech: { maxLength: number };
  crm: { adapter: string; config: Record<string, unknown> };
  /** Found and not-found ttls, stale-while-revalidate window, and the hard limit of a background lookup. */
  cache: { ttlMs: number; notFoundTtlMs: number; staleForMs: number; lookupLimitMs: number };
  /** The `match:` block: how one caller is chosen among the records that carry the number. */
  match: MatchPolicy;
  /** The tenant's own call budget; absent: the hub's (`hub.yaml` `rateLimit`). */
  rateLimit?: RateLimit;
  /** A hash of the file's text: a reload restarts only the tenants whose file changed. */
  fingerprint?: string;
  /** Steps in file order; the first is {@link defaultStep}. */
  steps: ReadonlyMap<string, StepConfig>;
  defaultStep: StepConfig;
}
