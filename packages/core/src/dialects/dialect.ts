import type { CallEvent, Decision, InboundFormat } from "../call.js";
import type { PbxCallEvent } from "../calls/types.js";
import type { Fields } from "../inbound/fields.js";

/** A routing target the PBX accepts as a reply's `result`. */
export interface RoutingTarget {
  /**
   * What the reply's `redirect` names for it ("the extension to send the call to"), told when a reply lacks
   * one; null: the target takes no redirect (Netsantral's `hangup`), and one given is refused.
   */
  redirect: string | null;
}

/** A reply as it goes on the wire: its Content-Type and its body. */
export interface WireReply {
  type: string;
  body: string;
}

/**
 * Everything one PBX decides: how its routing request carries the call, the tenant's number and token, which
 * routing targets it accepts, how it reads a reply and an error, and how its event webhook reads. The rest
 * of the hub knows only `CallEvent`, `Decision` and `PbxCallEvent`. A tenant file names its dialect
 * (`dialect: netsantral`, the default); `dialects/index.ts` registers each one.
 */
export interface Dialect {
  /** What a tenant file's `dialect:` says. */
  readonly name: string;
  /** The routing targets, in the order the PBX documents them; a `result` outside them is a tenant's own code. */
  readonly targets: ReadonlyMap<string, RoutingTarget>;
  /** How its requests name things, for the messages a refused request gets. */
  readonly terms: {
    /** The field holding the number that was called (`aranan_no`). */
    called: string;
    /** Where the token travels, given the tenant's `tokenField` (`static variable "token"`). */
    token(tokenField: string): string;
  };

  /** Stage 2 by number: the tenant's number the request says was called, as sent; undefined when absent. */
  calledNumber(fields: Fields): string | undefined;
  /** Stage 2: the token the request carries, in the tenant's `tokenField`; never an inherited property. */
  token(fields: Fields, tokenField: string): string | undefined;
  /**
   * Stage 3: a routing request's fields as a `CallEvent`, the caller's number read in `region`. A field longer
   * than the PBX's can be throws a `RequestError` (400 `field_too_long`).
   */
  readCall(fields: Fields, format: InboundFormat, region: string): CallEvent;

  /** Stage 7: a decision as the reply the PBX reads. A frozen (shared) decision may be answered from a memo. */
  reply(decision: Decision): WireReply;
  /** The same reply as an object, as the PBX reads it: for `explain`. */
  writeReply(decision: Decision): Record<string, unknown>;
  /** A refused request's body; `message` (what to change) only when it may be shown to the client. */
  refusal(message: string | undefined): WireReply;

  /**
   * The PBX's event webhook: one delivery's fields (JSON or a form) as the call events it tells, normalised,
   * times local to the PBX read in `timeZone`. A body that is not an event throws a `RequestError` (400).
   */
  readEvents(body: unknown, region: string, arrivedAt: number, options?: { timeZone?: string }): EventReading;
  /** For `santral-hub events simulate`: the event webhook's bodies for one answered call, in order. */
  exampleEvents(call: SimulatedCall): Record<string, unknown>[];
}

/** One made-up call, for `exampleEvents`. */
export interface SimulatedCall {
  /** The id the routing request carried. */
  callId: string;
  /** The caller's and the tenant's numbers, as the PBX writes them. */
  caller: string;
  called: string;
  extension: string;
  queue?: string;
  talkSec: number;
  /** When the call came in (ms since 1970). */
  startedAt: number;
}

/** One delivery of an event webhook, read. */
export interface EventReading {
  events: PbxCallEvent[];
  /** Field names the PBX does not document (as sent, at most 32): logged once, never their values. */
  unknownFields: string[];
  /** An undocumented scenario, when its name is a plain word safe to log; `?` when it is not. */
  unknownScenario?: string;
}
