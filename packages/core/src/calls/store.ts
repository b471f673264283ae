import type { Contact } from "@santral-hub/sdk";
import type { PbxCallEvent, RoutedCall } from "./types.js";

/** What the tracker keeps of one call, besides its events. */
export interface CallRecord {
  tenant: string;
  /** The hub's id of the call, the card's `id`. */
  cardId: string;
  /** When the call began: the routing call's time, or the first event's `callStart`. */
  startedAt: number;
  /** The caller in E.164, where known. */
  caller?: string;
  /** The routing call the hub answered; absent for a call that never passed a routing step. */
  routed?: RoutedCall;
  /**
   * For a call that never passed a routing step: `pending` until its caller is looked up (once per call),
   * `done` or `failed` after; `none` when there is nothing to look up (routed, or no caller).
   */
  lookup: "none" | "pending" | "done" | "failed";
  /** The contact that lookup found. */
  contact?: Contact;
}

/** One try to hand a call on: a signed webhook delivery (later, a CRM call log), for `explain`. */
export interface Delivery {
  /** Where to: the webhook's URL without its query, or the CRM. */
  target: string;
  /** What was sent: `call.ringing`, `call.ended`, ... */
  what: string;
  outcome: "sent" | "retrying" | "failed";
  /** 1 for the first try. */
  attempt: number;
  at: number;
  /** Why it failed, or what the other side answered (a record id). */
  detail?: string;
}

export interface StoredCall {
  record: CallRecord;
  /** In the order they were taken (not their own time order). */
  events: PbxCallEvent[];
  /** In the order they were tried. */
  deliveries: Delivery[];
}

/**
 * Where the tracker keeps calls: in this process, or in Redis shared by every hub node. Every key lives for
 * the store's `ttlMs` after it was last written. Every operation that two nodes may race on is atomic here
 * (`claim`, `bindId`, `addEvent`); the tracker builds correlation on top.
 */
export interface CallStore {
  readonly kind: "local" | "redis";
  /** Sets `name` unless it is set, in one step: true for the caller that set it. Lives `ttlMs` (default the store's). */
  claim(tenant: string, name: string, ttlMs?: number): Promise<boolean>;
  release(tenant: string, name: string): Promise<void>;
  /** Writes the given fields of a call's record (the others are kept). */
  putCall(record: Pick<CallRecord, "tenant" | "cardId"> & Partial<CallRecord>): Promise<void>;
  getCall(tenant: string, cardId: string): Promise<StoredCall | undefined>;
  deleteCall(tenant: string, cardId: string): Promise<void>;
  /** Appends an event to the call (the oldest go past `MAX_EVENTS`). */
  addEvent(tenant: string, cardId: string, event: PbxCallEvent): Promise<void>;
  /** Appends a delivery's outcome to the call (the oldest go past `MAX_EVENTS`). */
  addDelivery(tenant: string, cardId: string, delivery: Delivery): Promise<void>;
  /**
   * Binds a PBX id to a call unless it is bound already; returns the call it is bound to. `durable`: kept
   * across a restart at once, even where the store writes behind (a record made in the CRM for it).
   */
  bindId(tenant: string, pbxId: string, cardId: string, options?: { durable?: boolean }): Promise<string>;
  /** The call the first of these ids that is bound belongs to. */
  findId(tenant: string, pbxIds: readonly string[]): Promise<string | undefined>;
  /** Notes that a call of this caller began at `at`, started by the hub's routing answer or by an event. */
  addCaller(tenant: string, e164: string, cardId: string, at: number, startedBy: StartedBy): Promise<void>;
  /**
   * This caller's calls that began within [from, to], the latest first; with `startedBy: "event"`, only those
   * an event started (few: a routing call looks among them without reading every call of a frequent caller).
   */
  callerCalls(tenant: string, e164: string, from: number, to: number, startedBy?: "event"): Promise<string[]>;
}

export type StartedBy = "routing" | "event";

/** How long a call is remembered after its last event, unless the hub says otherwise: longer than any call. */
export const DEFAULT_CALL_TTL_MS = 4 * 3_600_000;

/**
 * Events (and deliveries) kept per call: a real call has a handful; a PBX looping on one call must not grow
 * it without end.
 */
export const MAX_EVENTS = 100;
/** Calls kept per caller for matching by number: the latest few are the only ones a window can pick. */
export const MAX_CALLER_CALLS = 20;
