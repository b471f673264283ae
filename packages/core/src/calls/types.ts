import type { Contact, Phone } from "@santral-hub/sdk";

/**
 * The life of a call after its answer, in the hub's own words: a PBX dialect turns its event webhook into
 * these, and everything after (correlation, the card, notifications, the agent's page, the call log) knows
 * only them.
 */
export type CallEventKind = "ringing" | "answered" | "ended" | "keys" | "queued" | "other";

/** One event of a call, normalised by the dialect from the PBX's event webhook. */
export interface PbxCallEvent {
  kind: CallEventKind;
  /** The dialect's own name for what happened (`Inbound_call`, `cdr`, ...): for logs and `explain`. */
  scenario: string;
  /** Every id of the call this event carries, most specific first (`unique_id`, `asteriskId`, `kimlik`). */
  ids: string[];
  /** The outside party, or null when withheld or unparseable; absent when the event does not say. */
  caller?: Phone | null;
  /** The tenant's number that was called (or that placed an outbound call). */
  called?: string;
  direction?: "inbound" | "outbound" | "internal";
  /** The extension that rang, answered or placed the call. */
  extension?: string;
  queue?: string;
  /** Keys pressed (a `keys` event). */
  digits?: string;
  /** Seconds talked, and waited in a queue, where the event gives them (an `ended` event). */
  durationSec?: number;
  waitSec?: number;
  /** How the call ended, where the event says (an `ended` event). */
  disposition?: "answered" | "missed";
  /** An https or http URL of the recording, as the PBX gave it. */
  recordingUrl?: string;
  /** When it happened (ms since 1970): the event's own time where it has one, else when it arrived. */
  at: number;
  /** When the call began, where the event says (the CDR's start time): for correlating a long call's end. */
  startedAt?: number;
  /** The IVR context of a key press, or the context the call fell into. */
  context?: string;
  /** The same for the same event delivered twice (a digest of its fields): for duplicate detection. */
  key?: string;
}

/** What the hub remembers of a routing call it answered, for the events that follow it. */
export interface RoutedCall {
  tenant: string;
  /** The PBX's id of the routing request (Netsantral's `arama_id`); may be empty. */
  callId: string;
  /** The caller in E.164, or null when withheld. */
  caller: string | null;
  /** The tenant's number that was called, normalised, where the request carried it. */
  called?: string;
  /** When the hub answered (ms since 1970). */
  at: number;
  step: string;
  /** The rule that matched: its index in the step, or `fallback`. */
  rule: number | "fallback";
  result: string;
  redirect?: string;
  /** Why, in `explain`'s words: "rule 1 matched: vip", "the CRM did not answer within 1500 ms". */
  reason: string;
  /** The contact the routing step recognised; absent when none was. */
  contact?: Contact;
}

/** A call as an agent and the tenant's software see it: who, the route and why, where to open the record. */
export interface Card {
  tenant: string;
  /** The hub's id of the call: stable across the call's events and retries (an idempotency key). */
  id: string;
  /** The PBX's ids of the call, as seen so far. */
  pbxIds: string[];
  /** The latest event the card was built for. */
  event: CallEventKind;
  /** Where the call stands after all its events so far: a late `ringing` after `ended` leaves it `ended`. */
  state?: "routed" | "ringing" | "answered" | "ended";
  at: number;
  direction?: "inbound" | "outbound" | "internal";
  /** The caller in E.164, and as shown to an agent (national format); absent when withheld. */
  caller?: { e164: string; display: string };
  /** The recognised contact, names unmasked (an agent sees the full name; only speech is masked). */
  contact?: {
    id: string;
    source: string;
    kind?: string;
    name?: string;
    company?: string;
    vip: boolean;
    owner?: { name?: string; extension?: string };
  };
  /** Opens the record in the CRM: the plugin's record URL, or the tenant's `card.link` template. */
  link?: string;
  /** The route the hub chose and why; absent for a call that never passed a routing step. */
  route?: { step: string; rule: number | "fallback"; result: string; redirect?: string; reason: string };
  /** Who the call is ringing for or was answered by. */
  agent?: { extension?: string; queue?: string };
  /** How it ended, once it has. */
  ended?: { durationSec?: number; waitSec?: number; disposition?: "answered" | "missed"; recordingUrl?: string };
}
