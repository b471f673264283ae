import { LRUCache } from "lru-cache";
import { CallFile, callOfRow, type FileRow } from "./call-file.js";
import {
  type CallRecord,
  type CallStore,
  DEFAULT_CALL_TTL_MS,
  type Delivery,
  MAX_CALLER_CALLS,
  MAX_EVENTS,
  type StartedBy,
  type StoredCall,
} from "./store.js";
import type { PbxCallEvent } from "./types.js";

export interface LocalCallStoreOptions {
  /**
   * A SQLite file that keeps the calls across a restart and for `santral-hub explain --call`: read at start,
   * written within `flushMs` of each change. Without one, the calls live in this process only.
   */
  file?: string;
  /** How soon a change reaches the file (default 200 ms). */
  flushMs?: number;
  /** How long a call is kept after it was last written; default `DEFAULT_CALL_TTL_MS`. */
  ttlMs?: number;
  /** The most calls kept (least recently used go first; default 20,000); ids and claims get a few times as many. */
  maxCalls?: number;
  /** The clock of the TTLs (ms); tests pass their own. */
  now?: () => number;
}

type Caller = { cardId: string; at: number; byEvent?: true };

/**
 * Calls in this process, the embedded default: every operation is served from memory, and with a `file`,
 * written behind in batches to SQLite, so an event after a restart still finds its call (a crash loses at
 * most the last `flushMs`). A call is written once the PBX's first event for it is taken, with the ids and
 * caller that find it: the answer path's `remember` writes nothing (it costs a quarter of the hub's
 * throughput when it does: `pnpm bench`, "following").
 */
export class LocalCallStore implements CallStore {
  readonly kind = "local";
  private readonly calls: LRUCache<string, StoredCall>;
  private readonly ids: LRUCache<string, string>;
  private readonly callers: LRUCache<string, Caller[]>;
  private readonly claims: LRUCache<string, true>;
  private readonly file: CallFile | undefined;
  /** Keys changed since the last flush: calls (with their ids and caller), claims, and durable ids. */
  private readonly dirty = { calls: new Set<string>(), claims: new Set<string>(), ids: new Set<string>() };
  private readonly flushMs: number;
  private flushing: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(options: LocalCallStoreOptions = {}) {
    const max = options.maxCalls ?? 20_000;
    // a clock of the caller's is read every time (lru-cache otherwise keeps a reading for 1 ms)
    const common = {
      ttl: options.ttlMs ?? DEFAULT_CALL_TTL_MS,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    };
    // counted rather than given a `max`, which lru-cache allocates up front: for these 280,000 slots that is
    // 30 ms and 10 MB at every start, for calls most hubs never have
    const most = (n: number) => ({ ...common, maxSize: n, sizeCalculation: () => 1 });
    this.calls = new LRUCache(most(max));
    this.ids = new LRUCache(most(max * 4));
    this.callers = new LRUCache(most(max));
    // a call has a handful of events, each one claim
    this.claims = new LRUCache(most(max * 8));
    this.now = options.now ?? Date.now;
    this.flushMs = options.flushMs ?? 200;
    if (options.file) {
      this.file = new CallFile(options.file);
      this.load(this.file);
      this.sweeper = setInterval(() => this.file?.sweep(this.now()), 60_000).unref();
    }
  }

  /** The calls the file kept, each with the time it had left. */
  private load(file: CallFile): void {
    const now = this.now();
    for (const row of file.all("calls", now)) this.calls.set(row.key, callOfRow(row.value), { ttl: row.expires - now });
    for (const row of file.all("ids", now)) this.ids.set(row.key, row.value, { ttl: row.expires - now });
    for (const row of file.all("callers", now)) {
      this.callers.set(row.key, JSON.parse(row.value) as Caller[], { ttl: row.expires - now });
    }
    for (const row of file.all("claims", now)) this.claims.set(row.key, true, { ttl: row.expires - now });
  }

  private changed(table: keyof LocalCallStore["dirty"], key: string): void {
    if (!this.file) return;
    this.dirty[table].add(key);
    this.flushing ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /**
   * Writes what changed since the last flush, as memory holds it now, in one transaction: each call that has
   * had an event, with the rows of its ids and its caller; each claim.
   */
  flush(): void {
    clearTimeout(this.flushing);
    this.flushing = undefined;
    if (!this.file) return;
    const now = this.now();
    const rows: FileRow[] = [];
    const row = <V>(table: FileRow["table"], cache: LRUCache<string, V & {}>, key: string, text: (v: V) => string) => {
      const value = cache.peek(key);
      if (value === undefined) rows.push({ table, key });
      else rows.push({ table, key, value: text(value), expires: now + cache.getRemainingTTL(key) });
    };
    for (const key of this.dirty.calls) {
      const call = this.calls.peek(key);
      if (call && call.events.length === 0) continue; // a routing call alone: its first event writes it
      row("calls", this.calls, key, JSON.stringify);
      if (!call) continue;
      const { tenant, caller, routed } = call.record;
      const ids = new Set([...(routed?.callId ? [routed.callId] : []), ...call.events.flatMap((e) => e.ids)]);
      for (const id of ids) row("ids", this.ids, `${tenant}\u0000${id}`, String);
      if (caller) row("callers", this.callers, `${tenant}\u0000${caller}`, JSON.stringify);
    }
    for (const key of this.dirty.claims) row("claims", this.claims, key, () => "1");
    for (const key of this.dirty.ids) row("ids", this.ids, key, String);
    this.dirty.calls.clear();
    this.dirty.claims.clear();
    this.dirty.ids.clear();
    if (rows.length > 0) this.file.write(rows);
  }

  close(): void {
    this.flush();
    clearInterval(this.sweeper);
    this.file?.close();
  }

  async claim(tenant: string, name: string, ttlMs?: number): Promise<boolean> {
    const key = `${tenant}\u0000${name}`;
    if (this.claims.has(key)) return false;
    this.claims.set(key, true, ttlMs === undefined ? {} : { ttl: ttlMs });
    this.changed("claims", key);
    return true;
  }

  async release(tenant: string, name: string): Promise<void> {
    const key = `${tenant}\u0000${name}`;
    this.claims.delete(key);
    this.changed("claims", key);
  }

  async putCall(record: Pick<CallRecord, "tenant" | "cardId"> & Partial<CallRecord>): Promise<void> {
    const key = `${record.tenant}\u0000${record.cardId}`;
    const known = this.calls.get(key);
    const merged = (known ? { ...known.record, ...record } : { startedAt: 0, lookup: "none", ...record }) as CallRecord;
    this.calls.set(key, { record: merged, events: known?.events ?? [], deliveries: known?.deliveries ?? [] });
    this.changed("calls", key);
  }

  async getCall(tenant: string, cardId: string): Promise<StoredCall | undefined> {
    const call = this.calls.get(`${tenant}\u0000${cardId}`);
    // copies: what the tracker is handed must not change under it when the next event is stored
    return call && { record: { ...call.record }, events: [...call.events], deliveries: [...call.deliveries] };
  }

  async deleteCall(tenant: string, cardId: string): Promise<void> {
    const key = `${tenant}\u0000${cardId}`;
    this.calls.delete(key);
    this.changed("calls", key);
  }

  async addEvent(tenant: string, cardId: string, event: PbxCallEvent): Promise<void> {
    const key = `${tenant}\u0000${cardId}`;
    const call = this.calls.get(key) ?? {
      record: { tenant, cardId, startedAt: event.at, lookup: "none" },
      events: [],
      deliveries: [],
    };
    const events = [...call.events, event].slice(-MAX_EVENTS);
    this.calls.set(key, { ...call, events }); // and so its TTL starts again
    this.changed("calls", key);
  }

  async addDelivery(tenant: string, cardId: string, delivery: Delivery): Promise<void> {
    const key = `${tenant}\u0000${cardId}`;
    const call = this.calls.get(key);
    if (!call) return;
    this.calls.set(key, { ...call, deliveries: [...call.deliveries, delivery].slice(-MAX_EVENTS) });
    this.changed("calls", key);
  }

  async bindId(tenant: string, pbxId: string, cardId: string, options?: { durable?: boolean }): Promise<string> {
    const key = `${tenant}\u0000${pbxId}`;
    const bound = this.ids.get(key) ?? cardId;
    this.ids.set(key, bound);
    if (options?.durable && this.file) {
      this.dirty.ids.add(key);
      this.flush(); // now, not within flushMs: a crash must not forget what the CRM was made to hold
    }
    return bound;
  }

  async findId(tenant: string, pbxIds: readonly string[]): Promise<string | undefined> {
    for (const id of pbxIds) {
      const cardId = this.ids.get(`${tenant}\u0000${id}`);
      if (cardId !== undefined) return cardId;
    }
    return undefined;
  }

  async addCaller(tenant: string, e164: string, cardId: string, at: number, startedBy: StartedBy): Promise<void> {
    const key = `${tenant}\u0000${e164}`;
    const calls = (this.callers.get(key) ?? []).filter((c) => c.cardId !== cardId);
    calls.push(startedBy === "event" ? { cardId, at, byEvent: true } : { cardId, at });
    calls.sort((a, b) => a.at - b.at);
    this.callers.set(key, calls.slice(-MAX_CALLER_CALLS));
  }

  async callerCalls(tenant: string, e164: string, from: number, to: number, startedBy?: "event"): Promise<string[]> {
    const calls = this.callers.get(`${tenant}\u0000${e164}`) ?? [];
    return calls
      .filter((c) => c.at >= from && c.at <= to && (startedBy === undefined || c.byEvent))
      .reverse()
      .map((c) => c.cardId);
  }
}
