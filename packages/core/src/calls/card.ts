import { type Contact, parsePhone } from "@santral-hub/sdk";
import type { Template, TemplateScope } from "../speech/template.js";
import type { TrackedCall } from "./tracker.js";
import type { Card, PbxCallEvent } from "./types.js";

/** A plugin's link to its record (Salesforce's Lightning URL, HubSpot's record URL); undefined: none. */
export type RecordUrl = (contact: Contact, ctx: { signal: AbortSignal }) => Promise<string | undefined>;

export interface CardOptions {
  /** The tenant's region: its callers are shown in national format (`0544 100 00 00`), others in E.164. */
  region?: string;
  /** Asked first for the contact's link; a failure, a time-out or no answer falls back to `link`. */
  recordUrl?: RecordUrl;
  /** The tenant's `card.link` template, compiled with `compileTemplate`; every value it inserts is URL-encoded. */
  link?: Template;
  /** How long `recordUrl` may take. */
  linkTimeoutMs?: number;
}

/**
 * The card of a call for the event just taken: who calls (the routing step's contact, names unmasked),
 * the route and why, who it rings for, how it ended, and a link to the record in the CRM.
 */
export async function buildCard(call: TrackedCall, event?: PbxCallEvent, options: CardOptions = {}): Promise<Card> {
  const { routed, facts, contact } = call;
  const latest = event ?? [...call.events].sort((a, b) => a.at - b.at).at(-1);
  const card: Card = {
    tenant: call.tenant,
    id: call.cardId,
    pbxIds: [...new Set([routed?.callId ?? "", ...facts.pbxIds])].filter((id) => id !== ""),
    event: latest?.kind ?? "other",
    at: latest?.at ?? routed?.at ?? Date.now(),
  };
  const state = facts.state ?? (routed ? "routed" : undefined);
  if (state) card.state = state;
  const direction = facts.direction ?? (routed ? "inbound" : undefined); // a routing call is an incoming call
  if (direction) card.direction = direction;
  const e164 = routed?.caller ?? facts.caller?.e164;
  if (e164) card.caller = { e164, display: displayPhone(e164, options.region) };
  if (contact) {
    const name = fullName(contact);
    card.contact = {
      id: contact.id,
      source: contact.source,
      vip: contact.vip === true,
      ...(contact.kind ? { kind: contact.kind } : {}),
      ...(name ? { name } : {}),
      ...(contact.company ? { company: contact.company } : {}),
      ...(contact.owner ? { owner: { ...contact.owner } } : {}),
    };
    const link = await linkFor(contact, call, options);
    if (link) card.link = link;
  }
  if (routed) {
    const { step, rule, result, redirect, reason } = routed;
    card.route = { step, rule, result, reason, ...(redirect ? { redirect } : {}) };
  }
  const agent = agentOf(call);
  if (agent) card.agent = agent;
  if (facts.state === "ended" && facts.ended) card.ended = { ...facts.ended };
  return card;
}

/** Who the call is for: the extension or queue its events name, else where the routing step sent it. */
function agentOf({ facts, routed }: TrackedCall): Card["agent"] {
  const { extension, queue } = facts.agent;
  if (extension || queue) return { ...(extension ? { extension } : {}), ...(queue ? { queue } : {}) };
  if (!routed?.redirect) return undefined;
  if (routed.result === "extensions") return { extension: routed.redirect };
  if (routed.result === "queue") return { queue: routed.redirect };
  return undefined;
}

function fullName(contact: Contact): string | undefined {
  return contact.name ?? ([contact.firstName, contact.lastName].filter(Boolean).join(" ") || undefined);
}

/** A number as an agent reads it: national (`0544 100 00 00`) when it is of the tenant's region. */
export function displayPhone(e164: string, region = "TR"): string {
  const phone = parsePhone(e164, region);
  if (!phone || phone.country !== region || region !== "TR") return e164;
  const n = phone.national;
  return n.length === 10 ? `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}` : `0${n}`;
}

/** The plugin's record URL, else the tenant's template; only an http(s) URL is a link (an agent clicks it). */
async function linkFor(contact: Contact, call: TrackedCall, options: CardOptions): Promise<string | undefined> {
  if (options.recordUrl) {
    const signal = AbortSignal.timeout(options.linkTimeoutMs ?? 2000);
    const aborted = new Promise<undefined>((resolve) => signal.addEventListener("abort", () => resolve(undefined)));
    try {
      const url = await Promise.race([options.recordUrl(contact, { signal }), aborted]);
      if (url && isWebUrl(url)) return url;
    } catch {
      // the template, if the tenant has one, still gives a link
    }
  }
  if (!options.link) return undefined;
  try {
    const url = options.link(linkScope(contact, call)).trim();
    return isWebUrl(url) ? url : undefined;
  } catch {
    return undefined; // a template that fails on one contact's data gives that card no link
  }
}

function isWebUrl(text: string): boolean {
  return /^https?:\/\//i.test(text) && URL.canParse(text);
}

/** What `card.link` sees: the contact and the call as templates do, every text URL-encoded. */
function linkScope(contact: Contact, call: TrackedCall): TemplateScope {
  const caller = call.routed?.caller ?? call.facts.caller?.e164;
  const phone = caller ? parsePhone(caller) : null;
  return encode({
    contact: { ...contact, name: fullName(contact) },
    call: {
      id: call.routed?.callId || call.facts.pbxIds[0] || "",
      card: call.cardId,
      caller: !phone ? "" : phone.country === "TR" ? `0${phone.national}` : phone.e164,
      called: call.routed?.called ?? call.facts.called ?? "",
      step: call.routed?.step ?? "",
    },
  }) as TemplateScope;
}

function encode(value: unknown): unknown {
  if (typeof value === "string") return encodeURIComponent(value);
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
  }
  return value;
}
