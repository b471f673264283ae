import type { Contact } from "@santral-hub/sdk";
import { foldTr } from "../rules/fold.js";
import { canonical, isoMillis, ownerKey, samePerson, sharedFacts } from "./records.js";

export const RESOLVERS = ["sameOwner", "kind", "updated", "created"] as const;
export type Resolver = (typeof RESOLVERS)[number];

/** A tenant's `match:` block: how one caller is chosen among the records that carry the number. */
export interface MatchPolicy {
  /** Tried in order until one decides; each either decides or narrows the set for the next. */
  resolvers: Resolver[];
  /** Object kinds, most preferred first, for the `kind` resolver (case-insensitive); others rank last. */
  kinds: string[];
  /** Accept a company record when no person carries the number. */
  companyFallback: boolean;
  /** Which kinds are companies rather than people (case-insensitive). */
  companyKinds: string[];
  /** The most records weighed; more than this carry the number (a switchboard): the call is ambiguous. */
  limit: number;
}

export const DEFAULT_POLICY: Readonly<MatchPolicy> = Object.freeze({
  resolvers: [...RESOLVERS],
  kinds: ["Contact", "Lead", "Account"],
  companyFallback: false,
  companyKinds: ["Account", "company"],
  limit: 10,
});

/** What one resolver did: decided (one record left), narrowed, or could not tell them apart. */
export interface ResolverStep {
  resolver: Resolver;
  outcome: "decided" | "narrowed" | "undecided";
  /** The records still in the running after it. */
  remaining: Contact[];
}

export interface Choice {
  /** The caller; null when nobody carries the number, or when the call is ambiguous. */
  contact: Contact | null;
  /** Several records remained and no resolver decided: a rule condition; no greeting names anyone. */
  ambiguous: boolean;
  /** What decided: a resolver, `single` (one record), or null (none, or ambiguous). */
  resolver: Resolver | "single" | null;
  /** No person carries the number and the policy accepts a company record instead. */
  companyFallback: boolean;
  /** `sameOwner` decided the route but the records are different people: `contact` carries no name. */
  nameWithheld: boolean;
  /** More records carry the number than `limit`. */
  overLimit: boolean;
  /** The records weighed (people, or companies under the fallback), in canonical order. */
  pool: Contact[];
  trace: ResolverStep[];
}

/**
 * Picks the caller among verified candidates. The same set gives the same choice in any order: the
 * candidates are put in a canonical order first, resolvers keep every record that ties for best, and a
 * record is named only when a resolver singled it out (or all that remain are one person).
 */
const companyKindsOf = new WeakMap<MatchPolicy, Set<string>>();

/** The policy's company kinds, folded once per policy rather than on every call. */
function foldedCompanyKinds(policy: MatchPolicy): Set<string> {
  let kinds = companyKindsOf.get(policy);
  if (!kinds) {
    kinds = new Set(policy.companyKinds.map(foldTr));
    companyKindsOf.set(policy, kinds);
  }
  return kinds;
}

export function choose(candidates: readonly Contact[], policy: MatchPolicy): Choice {
  const records = candidates.length > 1 ? canonical(candidates) : [...candidates];
  const companyKinds = foldedCompanyKinds(policy);
  const people = records.filter((c) => !companyKinds.has(foldTr(c.kind ?? "")));
  const companyFallback = people.length === 0 && records.length > 0 && policy.companyFallback;
  let pool = companyFallback ? records : people;
  const choice: Choice = {
    contact: null,
    ambiguous: false,
    resolver: null,
    companyFallback,
    nameWithheld: false,
    overLimit: false,
    pool,
    trace: [],
  };
  if (pool.length === 0) return choice;
  if (pool.length > policy.limit) return { ...choice, ambiguous: true, overLimit: true };
  if (pool.length === 1) return { ...choice, contact: pool[0] as Contact, resolver: "single" };
  for (const resolver of policy.resolvers) {
    if (resolver === "sameOwner") {
      const owners = new Set(pool.map(ownerKey));
      const decided = owners.size === 1 && !owners.has("");
      choice.trace.push({ resolver, outcome: decided ? "decided" : "undecided", remaining: pool });
      if (decided) return { ...choice, ...named(pool, policy), resolver };
      continue;
    }
    const next = narrow(pool, resolver, policy);
    const outcome = next.length === 1 ? "decided" : next.length < pool.length ? "narrowed" : "undecided";
    choice.trace.push({ resolver, outcome, remaining: next });
    pool = next;
    if (next.length === 1) return { ...choice, contact: next[0] as Contact, resolver };
  }
  return { ...choice, ambiguous: true };
}

/**
 * The record to name when `sameOwner` settled the route: the one the tenant's other resolvers single out
 * (the same record they would pick were the owners different). When they cannot tell several people
 * apart, the name is withheld rather than guessed: the contact carries only what all of them share.
 */
function named(pool: Contact[], policy: MatchPolicy): { contact: Contact; nameWithheld: boolean } {
  let rest = pool;
  for (const r of policy.resolvers) if (r !== "sameOwner" && rest.length > 1) rest = narrow(rest, r, policy);
  if (rest.length === 1 || samePerson(rest)) return { contact: rest[0] as Contact, nameWithheld: false };
  return { contact: sharedFacts(rest), nameWithheld: true };
}

/** Keeps the records that tie for best under one resolver. */
function narrow(pool: Contact[], resolver: Exclude<Resolver, "sameOwner">, policy: MatchPolicy): Contact[] {
  const score = scorer(resolver, policy);
  const scores = pool.map(score);
  const best = Math.max(...scores);
  return pool.filter((_, i) => scores[i] === best);
}

/** Higher is better; missing data scores lowest, so a record never wins on what the CRM did not say. */
function scorer(resolver: Exclude<Resolver, "sameOwner">, policy: MatchPolicy): (c: Contact) => number {
  switch (resolver) {
    case "kind": {
      const kinds = policy.kinds.map(foldTr);
      return (c) => {
        const i = kinds.indexOf(foldTr(c.kind ?? ""));
        return i === -1 ? -kinds.length : -i;
      };
    }
    case "updated":
      return (c) => isoMillis(c.updatedAt) ?? Number.NEGATIVE_INFINITY;
    case "created":
      return (c) => -(isoMillis(c.createdAt) ?? Number.POSITIVE_INFINITY);
  }
}
