import { createHash, randomUUID } from "node:crypto";
import { type Contact, type Logger, type Phone, parsePhone } from "@santral-hub/sdk";
import { type CallFacts, callStart, foldEvents, stateRank } from "./fold.js";
import type { CallRecord, CallStore, Delivery, StoredCall } from "./store.js";
import type { PbxCallEvent, RoutedCall } from "./types.js";

export interface CallTrackerOptions {
  store: CallStore;
  /** Matching by number: a routing call this long before the event's call began may be its call. */
  windowMs?: number;
  /** ...and this long after it, for the PBX's clock running behind the hub's. */
  skewMs?: number;
  /** How long a node waits for another node's lookup of a call's caller before building the card without. */
  lookupWaitMs?: number;
  log?: Logger;
}

/** Looks a caller up in the tenant's CRM, for a call that never passed a routing step; may throw. */
export type CallerLookup = (caller: Phone) => Promise<Contact | null | undefined>;

/** A call as the tracker knows it: the routing call, the contact, and every event so far. */
export interface TrackedCall {
  tenant: string;
  cardId: string;
  routed?: RoutedCall;
  /** The routing step's contact, else the one the tracker's own lookup found. */
  contact?: Contact;
  /** Where the lookup of a call that never passed a routing step stands. */
  lookup: CallRecord["lookup"];
  events: PbxCallEvent[];
  /** Each try to hand the call on (webhooks, the CRM's call log), in the order tried. */
  deliveries: Delivery[];
  facts: CallFacts;
}

export type Taken =
  | { duplicate: true }
  | {
      duplicate: false;
      /** How the call was found: by a PBX id, by caller and time, as a new call; `none`: nothing to go by. */
      match: "id" | "caller" | "new" | "none";
      /** Absent when `match` is `none` (an event with neither an id nor a caller). */
      call?: TrackedCall;
      /** The event is older news than the call (a `ringing` after `answered` or `ended`): no new ring. */
      late: boolean;
    };

/**
 * Follows each call from the routing call the hub answered through the PBX's events. An event finds its
 * call by a PBX id the call already carries (the routing request's `arama_id`, or an id an earlier event
 * brought), else by its caller and time (the latest call of that caller that began within `windowMs` before
 * it), else it starts a call of its own, whose caller is looked up once. The same event delivered twice is
 * taken once; events delivered out of order fold to the same call (see `foldEvents`).
 */
export class CallTracker {
  readonly store: CallStore;
  private readonly windowMs: number;
  private readonly skewMs: number;
  private readonly lookupWaitMs: number;
  private readonly log: Logger | undefined;
  /** Lookups under way in this process, by call: the events of one call arriving together share one. */
  private readonly lookups = new Map<string, Promise<void>>();

  constructor(options: CallTrackerOptions) {
    this.store = options.store;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.skewMs = options.skewMs ?? 2 * 60_000;
    this.lookupWaitMs = options.lookupWaitMs ?? 3000;
    this.log = options.log;
  }

  /**
   * Remembers a routing call the hub answered; returns its card id. A second routing step of the same call
   * (same `callId`) updates the route and keeps the card; events that came first are joined.
   */
  async remember(routed: RoutedCall): Promise<string> {
    const { store } = this;
    const { tenant } = routed;
    const known = routed.callId ? await store.findId(tenant, [routed.callId]) : undefined;
    if (known && (await store.getCall(tenant, known))) {
      await store.putCall({ tenant, cardId: known, routed, ...(routed.caller ? { caller: routed.caller } : {}) });
      return known;
    }
    const early = routed.caller ? await this.unrouted(tenant, routed.caller, routed.at) : undefined;
    if (early !== undefined) {
      await store.putCall({ tenant, cardId: early, routed });
      if (routed.callId) await store.bindId(tenant, routed.callId, early);
      return early;
    }
    let cardId: string = randomUUID();
    const record: CallRecord = { tenant, cardId, startedAt: routed.at, routed, lookup: "none" };
    if (routed.caller) record.caller = routed.caller;
    await store.putCall(record);
    if (routed.callId) {
      const bound = await store.bindId(tenant, routed.callId, cardId);
      if (bound !== cardId) {
        await store.deleteCall(tenant, cardId);
        cardId = bound;
        await store.putCall({ tenant, cardId, routed });
      }
    }
    if (routed.caller) await store.addCaller(tenant, routed.caller, cardId, routed.at, "routing");
    return cardId;
  }

  /**
   * Takes one event of a tenant's call: `{ duplicate: true }` when this event was taken before (by any node
   * sharing the store), else the call with the event folded in. `lookup` is asked once per call, for a call
   * that never passed a routing step. If this throws, the event is not marked taken: a retry takes it.
   */
  async take(tenant: string, incoming: PbxCallEvent, options: { lookup?: CallerLookup } = {}): Promise<Taken> {
    const event = { ...incoming, key: eventKey(incoming) };
    const claim = `event:${event.key}`;
    if (!(await this.store.claim(tenant, claim))) return { duplicate: true };
    try {
      const found = await this.correlate(tenant, event);
      if (!found) return { duplicate: false, match: "none", late: false };
      const { cardId, match } = found;
      await this.store.addEvent(tenant, cardId, event);
      await Promise.all(event.ids.map((id) => this.store.bindId(tenant, id, cardId)));
      let stored = await this.store.getCall(tenant, cardId);
      if (stored && !stored.record.routed && stored.record.lookup === "pending" && options.lookup) {
        stored = (await this.lookUp(stored, options.lookup)) ?? stored;
      }
      if (!stored) throw new Error(`call ${cardId} went from the store while its event was taken`);
      const before = foldEvents(stored.events.filter((e) => e.key !== event.key));
      const late = stateRank(event.kind) > 0 && stateRank(event.kind) < stateRank(before.state);
      return { duplicate: false, match, call: tracked(stored), late };
    } catch (error) {
      await this.store.release(tenant, claim).catch(() => {});
      throw error;
    }
  }

  /** A call by its card id. */
  async get(tenant: string, cardId: string): Promise<TrackedCall | undefined> {
    const stored = await this.store.getCall(tenant, cardId);
    return stored && tracked(stored);
  }

  /** A call by one of its PBX ids (`arama_id`, `unique_id`, ...) or its card id: for `explain`. */
  async find(tenant: string, id: string): Promise<TrackedCall | undefined> {
    const cardId = await this.store.findId(tenant, [id]);
    return this.get(tenant, cardId ?? id);
  }

  /** Notes a try to hand a call on, for `explain`. */
  async delivered(tenant: string, cardId: string, delivery: Delivery): Promise<void> {
    await this.store.addDelivery(tenant, cardId, delivery);
  }

  private async correlate(
    tenant: string,
    event: PbxCallEvent,
  ): Promise<{ cardId: string; match: "id" | "caller" | "new" } | undefined> {
    const { store } = this;
    const byId = await store.findId(tenant, event.ids);
    if (byId !== undefined && (await store.getCall(tenant, byId))) return { cardId: byId, match: "id" };
    const caller = event.caller?.e164;
    const start = callStart(event);
    if (caller) {
      for (const cardId of await store.callerCalls(tenant, caller, start - this.windowMs, start + this.skewMs)) {
        const call = await store.getCall(tenant, cardId);
        if (call && couldBe(call, event)) return { cardId, match: "caller" };
      }
    }
    if (!caller && event.ids.length === 0) return undefined;
    const cardId = randomUUID();
    const record: CallRecord = { tenant, cardId, startedAt: start, lookup: caller ? "pending" : "none" };
    if (caller) record.caller = caller;
    await store.putCall(record);
    const [first] = event.ids;
    if (first !== undefined) {
      // another node took an event of this call at the same moment and started it first: join that one
      const bound = await store.bindId(tenant, first, cardId);
      if (bound !== cardId) {
        await store.deleteCall(tenant, cardId);
        return { cardId: bound, match: "id" };
      }
    }
    if (caller) await store.addCaller(tenant, caller, cardId, start, "event");
    return { cardId, match: "new" };
  }

  /**
   * A call of this caller that an event started just after `at` without a routing call: the PBX's event came
   * before the hub had remembered its answer, and the ids disagree.
   */
  private async unrouted(tenant: string, caller: string, at: number): Promise<string | undefined> {
    for (const cardId of await this.store.callerCalls(tenant, caller, at - this.skewMs, at + this.windowMs, "event")) {
      const call = await this.store.getCall(tenant, cardId);
      if (call && !call.record.routed) return cardId;
    }
    return undefined;
  }

  /** Looks the call's caller up once: this process shares one lookup per call, other nodes wait for theirs. */
  private async lookUp(stored: StoredCall, lookup: CallerLookup): Promise<StoredCall | undefined> {
    const { tenant, cardId } = stored.record;
    const key = `${tenant}\u0000${cardId}`;
    let running = this.lookups.get(key);
    if (!running) {
      running = this.lookUpOnce(stored, lookup).finally(() => this.lookups.delete(key));
      this.lookups.set(key, running);
    }
    await running;
    return this.store.getCall(tenant, cardId);
  }

  private async lookUpOnce(stored: StoredCall, lookup: CallerLookup): Promise<void> {
    const { tenant, cardId } = stored.record;
    // held a little longer than others wait for it: a node that died looking up does not block the call for good
    const held = Math.max(10_000, 2 * this.lookupWaitMs);
    if (!(await this.store.claim(tenant, `lookup:${cardId}`, held))) return this.waitForLookup(tenant, cardId);
    const phone = stored.events.find((e) => e.caller)?.caller ?? parsePhone(stored.record.caller);
    let contact: Contact | null | undefined;
    let state: CallRecord["lookup"] = "done";
    try {
      contact = phone ? await lookup(phone) : undefined;
    } catch (error) {
      state = "failed";
      this.log?.warn({ tenant, card: cardId, err: (error as Error).message }, "call card: the caller's lookup failed");
    }
    await this.store.putCall({ tenant, cardId, lookup: state, ...(contact ? { contact } : {}) });
  }

  private async waitForLookup(tenant: string, cardId: string): Promise<void> {
    const until = Date.now() + this.lookupWaitMs;
    while (Date.now() < until) {
      const call = await this.store.getCall(tenant, cardId);
      if (call?.record.lookup !== "pending") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Whether a call found by its caller's number could be the event's: a new ring is not an ended call's. */
function couldBe(call: StoredCall, event: PbxCallEvent): boolean {
  if (event.kind !== "ringing") return true;
  if (foldEvents(call.events).state === "ended") return false;
  // the event's ids are bound to no call (else it was found by id): a call already rung under others is
  // another call of the same caller
  return event.ids.length === 0 || !call.events.some((e) => e.kind === "ringing" && e.ids.length > 0);
}

function tracked({ record, events, deliveries }: StoredCall): TrackedCall {
  const call: TrackedCall = {
    tenant: record.tenant,
    cardId: record.cardId,
    lookup: record.lookup,
    events,
    deliveries,
    facts: foldEvents(events),
  };
  if (record.routed) call.routed = record.routed;
  const contact = record.routed ? record.routed.contact : record.contact;
  if (contact) call.contact = contact;
  return call;
}

/** An event's key: its dialect's, else a digest, so the same event, field for field, has the same key. */
export function eventKey(event: PbxCallEvent): string {
  return event.key ?? digest(event);
}

function digest(event: PbxCallEvent): string {
  const { caller, ...rest } = event;
  const text = JSON.stringify({ ...rest, caller: caller?.e164 ?? caller }, Object.keys({ ...event }).sort());
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}
