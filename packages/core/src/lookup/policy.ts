import type { Contact } from "@santral-hub/sdk";

export const RESOLVERS = ["sameOwner", "kind", "updated", "created"] as const;
export type Resolver = (typeof RESOLVERS)[number];

export interface MatchPolicy {
  /** Tried in order until one decides. */
  resolvers: Resolver[];
  /** Object kinds, most preferred first, for the `kind` resolver; kinds not listed rank last. */
  kinds: string[];
  /** Accept a company record when no person carries the number. */
  companyFallback: boolean;
  /** Which kinds are companies rather than people. */
  companyKinds: string[];
}

export const DEFAULT_POLICY: MatchPolicy = {
  resolvers: [...RESOLVERS],
  kinds: ["Contact", "contact", "Lead", "lead", "row", "Account", "company"],
  companyFallback: false,
  companyKinds: ["Account", "company"],
};

export type Choice =
  | { contact: Contact; ambiguous: false; resolver: Resolver | "single" | "companyFallback" }
  | { contact: null; ambiguous: boolean; resolver: null };

/**
 * Picks the caller among verified candidates. The same set gives the same choice in any order: candidates
 * are sorted by id first, and each resolver either decides or narrows the set for the next one. When none
 * decides, the call is ambiguous and no contact is named, so no greeting names a guess.
 */
export function choose(candidates: Contact[], policy: MatchPolicy): Choice {
  const companies = new Set(policy.companyKinds);
  const people = candidates.filter((c) => !companies.has(c.kind ?? ""));
  let pool = people;
  if (people.length === 0 && policy.companyFallback) pool = candidates;
  pool = [...pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (pool.length === 0) return { contact: null, ambiguous: false, resolver: null };
  const fallback = people.length === 0 && pool.length > 0;
  if (pool.length === 1) {
    return { contact: pool[0] as Contact, ambiguous: false, resolver: fallback ? "companyFallback" : "single" };
  }
  for (const resolver of policy.resolvers) {
    if (resolver === "sameOwner") {
      const owners = new Set(pool.map(ownerKey));
      if (owners.size === 1 && !owners.has("")) {
        // Routing is certain; the record named is the best of them by the remaining order.
        return { contact: rankAll(pool, policy), ambiguous: false, resolver };
      }
      continue;
    }
    pool = narrow(pool, resolver, policy);
    if (pool.length === 1) return { contact: pool[0] as Contact, ambiguous: false, resolver };
  }
  return { contact: null, ambiguous: true, resolver: null };
}

function ownerKey(c: Contact): string {
  return c.owner ? `${c.owner.name ?? ""}\u0000${c.owner.extension ?? ""}` : "";
}

/** Keeps the candidates that tie for best under one resolver. */
function narrow(pool: Contact[], resolver: Exclude<Resolver, "sameOwner">, policy: MatchPolicy): Contact[] {
  const score = scorer(resolver, policy);
  let best = Number.NEGATIVE_INFINITY;
  for (const c of pool) best = Math.max(best, score(c));
  return pool.filter((c) => score(c) === best);
}

/** Higher is better; missing data scores lowest, so it never wins a tie it cannot know. */
function scorer(resolver: Exclude<Resolver, "sameOwner">, policy: MatchPolicy): (c: Contact) => number {
  switch (resolver) {
    case "kind":
      return (c) => {
        const i = policy.kinds.indexOf(c.kind ?? "");
        return i === -1 ? -policy.kinds.length - 1 : -i;
      };
    case "updated":
      return (c) => time(c.updatedAt);
    case "created":
      return (c) => -time(c.createdAt, Number.POSITIVE_INFINITY);
  }
}

function time(iso: string | undefined, missing = Number.NEGATIVE_INFINITY): number {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? missing : t;
}

function rankAll(pool: Contact[], policy: MatchPolicy): Contact {
  let rest = pool;
  for (const r of ["kind", "updated", "created"] as const) rest = narrow(rest, r, policy);
  return rest[0] as Contact;
}
