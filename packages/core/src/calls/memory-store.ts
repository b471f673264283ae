import { LRUCache } from "lru-cache";
import {
  type CallRecord,
  type CallStore,
  DEFAULT_CALL_TTL_MS,
  MAX_CALLER_CALLS,
  MAX_EVENTS,
  type StoredCall,
} from "./store.js";
import type { PbxCallEvent } from "./types.js";

export interface MemoryCallStoreOptions {
  /** How long a call is kept after it was last written; default `DEFAULT_CALL_TTL_MS`. */
  ttlMs?: number;
  /** The most calls kept (least recently used go first; default 20,000); ids and claims get a few times as many. */
  maxCalls?: number;
  /** The clock of the TTLs (ms); tests pass their own. */
  now?: () => number;
}

/** Calls in this process: the embedded default, and a single-node hub. */
export class MemoryCallStore implements CallStore {
  readonly kind = "memory";
  private readonly calls: LRUCache<string, StoredCall>;
  private readonly ids: LRUCache<string, string>;
  private readonly callers: LRUCache<string, { cardId: string; at: number }[]>;
  private readonly claims: LRUCache<string, true>;

  constructor(options: MemoryCallStoreOptions = {}) {
    const max = options.maxCalls ?? 20_000;
    // a clock of the caller's is read every time (lru-cache otherwise keeps a reading for 1 ms)
    const common = {
      ttl: options.ttlMs ?? DEFAULT_CALL_TTL_MS,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    };
    this.calls = new LRUCache({ ...common, max });
    this.ids = new LRUCache({ ...common, max: max * 4 });
    this.callers = new LRUCache({ ...common, max });
    // a call has a handful of events, each one claim (lru-cache allocates `max` slots up front: keep it modest)
    this.claims = new LRUCache({ ...common, max: max * 8 });
  }

  async claim(tenant: string, name: string, ttlMs?: number): Promise<boolean> {
    const key = `${tenant}\u0000${name}`;
    if (this.claims.has(key)) return false;
    this.claims.set(key, true, ttlMs === undefined ? {} : { ttl: ttlMs });
    return true;
  }

  async release(tenant: string, name: string): Promise<void> {
    this.claims.delete(`${tenant}\u0000${name}`);
  }

  async putCall(record: Pick<CallRecord, "tenant" | "cardId"> & Partial<CallRecord>): Promise<void> {
    const key = `${record.tenant}\u0000${record.cardId}`;
    const known = this.calls.get(key);
    const merged = { ...(known?.record ?? { startedAt: 0, lookup: "none" }), ...record } as CallRecord;
    this.calls.set(key, { record: merged, events: known?.events ?? [] });
  }

  async getCall(tenant: string, cardId: string): Promise<StoredCall | undefined> {
    const call = this.calls.get(`${tenant}\u0000${cardId}`);
    // copies: what the tracker is handed must not change under it when the next event is stored
    return call && { record: { ...call.record }, events: [...call.events] };
  }

  async deleteCall(tenant: string, cardId: string): Promise<void> {
    this.calls.delete(`${tenant}\u0000${cardId}`);
  }

  async addEvent(tenant: string, cardId: string, event: PbxCallEvent): Promise<void> {
    const key = `${tenant}\u0000${cardId}`;
    const call = this.calls.get(key) ?? { record: { tenant, cardId, startedAt: event.at, lookup: "none" }, events: [] };
    const events = [...call.events, event].slice(-MAX_EVENTS);
    this.calls.set(key, { record: call.record, events }); // and so its TTL starts again
  }

  async bindId(tenant: string, pbxId: string, cardId: string): Promise<string> {
    const key = `${tenant}\u0000${pbxId}`;
    const bound = this.ids.get(key) ?? cardId;
    this.ids.set(key, bound);
    return bound;
  }

  async findId(tenant: string, pbxIds: readonly string[]): Promise<string | undefined> {
    for (const id of pbxIds) {
      const cardId = this.ids.get(`${tenant}\u0000${id}`);
      if (cardId !== undefined) return cardId;
    }
    return undefined;
  }

  async addCaller(tenant: string, e164: string, cardId: string, at: number): Promise<void> {
    const key = `${tenant}\u0000${e164}`;
    const calls = (this.callers.get(key) ?? []).filter((c) => c.cardId !== cardId);
    calls.push({ cardId, at });
    calls.sort((a, b) => a.at - b.at);
    this.callers.set(key, calls.slice(-MAX_CALLER_CALLS));
  }

  async callerCalls(tenant: string, e164: string, from: number, to: number): Promise<string[]> {
    const calls = this.callers.get(`${tenant}\u0000${e164}`) ?? [];
    return calls
      .filter((c) => c.at >= from && c.at <= to)
      .reverse()
      .map((c) => c.cardId);
  }
}
