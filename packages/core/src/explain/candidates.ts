import { type Contact, phonesIn } from "@santral-hub/sdk";
import type { Found } from "../lookup/lookup-caller.js";
import type { Choice, MatchPolicy, Resolver } from "../lookup/policy.js";
import { nameOf, recordKey } from "../lookup/records.js";

/** One record the CRM returned, as `explain` shows it: what it stores, and why it was or was not the caller. */
export interface ExplainedCandidate {
  id: string;
  source: string;
  kind?: string;
  name?: string;
  company?: string;
  owner?: { name?: string; extension?: string };
  vip?: boolean;
  updatedAt?: string;
  createdAt?: string;
  /** Each stored phone field and the numbers (E.164) read from it. */
  phones: { stored: string; numbers: string[] }[];
  /** `kept`: it carries the caller's number; `dropped`: a near miss; `unchecked`: found by customer number. */
  verified: "kept" | "dropped" | "unchecked";
  chosen: boolean;
  /** One sentence: why it was dropped, chosen, or ruled out. */
  why: string;
}

/** Every record returned, in the CRM's order, with the verification and the policy's verdict on it. */
export function explainCandidates(
  found: Found,
  policy: MatchPolicy,
  caller: { e164?: string; region: string },
): ExplainedCandidate[] {
  // records found by a typed customer number were not checked; their phones are read here for display only
  const checks =
    found.checks ?? found.returned.map((contact) => ({ contact, phones: parsed(contact, caller.region), kept: true }));
  return checks.map(({ contact, phones, kept }) => {
    const verified = found.checks === null ? "unchecked" : kept ? "kept" : "dropped";
    const chosen = found.choice?.contact === contact;
    const why = !kept
      ? dropReason(phones, caller.e164 ?? "")
      : found.choice
        ? verdict(contact, found.choice, policy)
        : "not weighed";
    const out: Omit<ExplainedCandidate, "phones" | "verified" | "chosen" | "why"> = {
      id: contact.id,
      source: contact.source,
    };
    if (contact.kind !== undefined) out.kind = contact.kind;
    const name = nameOf(contact);
    if (name) out.name = name;
    for (const key of ["company", "owner", "vip", "updatedAt", "createdAt"] as const) {
      if (contact[key] !== undefined) Object.assign(out, { [key]: contact[key] });
    }
    return { ...out, phones, verified, chosen, why } satisfies ExplainedCandidate;
  });
}

function parsed(contact: Contact, region: string) {
  return contact.phones.map((stored) => ({ stored, numbers: phonesIn(stored, region) }));
}

function dropReason(phones: { numbers: string[] }[], e164: string): string {
  const numbers = [...new Set(phones.flatMap((p) => p.numbers))];
  if (numbers.length === 0) return "dropped: none of its stored phones reads as a number, so it cannot be checked";
  return `dropped, a near miss: its stored numbers are ${numbers.join(", ")}, not ${e164}`;
}

function verdict(contact: Contact, choice: Choice, policy: MatchPolicy): string {
  if (!choice.pool.includes(contact)) {
    if (choice.pool.some((c) => recordKey(c) === recordKey(contact)))
      return "the same record returned twice; counted once";
    return policy.companyFallback
      ? "a company record: not weighed, because a person carries the number"
      : "a company record: not weighed, because match.companyFallback is off";
  }
  if (choice.overLimit) {
    return `one of ${choice.pool.length} records on the number, more than match.limit (${policy.limit}): ambiguous`;
  }
  if (choice.resolver === "single") {
    return choice.companyFallback
      ? "chosen: the only record found, a company (match.companyFallback is on)"
      : "chosen: the only record found";
  }
  if (choice.resolver === "sameOwner") {
    const owner = [contact.owner?.name, contact.owner?.extension].filter(Boolean).join(", ");
    if (choice.nameWithheld)
      return `shares the owner (${owner}) who gets the call; no name is said: nothing tells these people apart`;
    return choice.contact === contact
      ? `chosen: every record shares the owner (${owner}); this one is named by the other resolvers`
      : `shares the owner (${owner}); another of the records is named`;
  }
  const out = choice.trace.find((step) => !step.remaining.includes(contact));
  if (choice.contact === contact && choice.resolver) {
    return `chosen by ${choice.resolver} (${value(choice.resolver, contact)})`;
  }
  if (out) {
    const kept = out.remaining[0];
    const against = kept ? `, against ${value(out.resolver, kept)}` : "";
    return `ruled out by ${out.resolver} (${value(out.resolver, contact)}${against})`;
  }
  return `tied on every resolver (${policy.resolvers.join(", ") || "none listed"}): the call is ambiguous`;
}

/** What a resolver compared on this record. */
function value(resolver: Resolver, c: Contact): string {
  const v =
    resolver === "kind" ? c.kind : resolver === "updated" ? c.updatedAt : resolver === "created" ? c.createdAt : "";
  return v || `no ${resolver === "kind" ? "kind" : `${resolver} time`}`;
}
