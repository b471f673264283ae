import type { Cluster, Redis } from "ioredis";
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

export interface RedisCallStoreOptions {
  /** The hub's Redis connection (standalone, Sentinel or Cluster); the store never closes it. */
  client: Redis | Cluster;
  /** Put before every key, e.g. `santral:`. */
  prefix: string;
  /** How long a call is kept after it was last written; default `DEFAULT_CALL_TTL_MS`. */
  ttlMs?: number;
}

// An id already bound keeps its call (and lives on); else it is bound to this one. One step, so two nodes
// taking the first events of one call at once still give it one card.
const BIND = `
local bound = redis.call('GET', KEYS[1])
if bound then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return bound end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

/**
 * Calls in Redis, shared by every hub node: an event taken by one node finds the routing call another
 * answered. A call is a hash (its record) and two lists (its events, its deliveries); PBX ids and a sorted set per caller
 * point at it. Every key of a tenant carries the tenant as its hash tag, so a call's keys sit on one Redis
 * Cluster slot and its MULTIs and MGETs run there.
 */
export class RedisCallStore implements CallStore {
  readonly kind = "redis";
  private readonly client: Redis | Cluster;
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(options: RedisCallStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.ttl = Math.max(1, Math.round(options.ttlMs ?? DEFAULT_CALL_TTL_MS));
  }

  private key(tenant: string, kind: string, name: string): string {
    return `${this.prefix}calls:{${tenant}}:${kind}:${name}`;
  }

  async claim(tenant: string, name: string, ttlMs?: number): Promise<boolean> {
    const ttl = Math.max(1, Math.round(ttlMs ?? this.ttl));
    return (await this.client.set(this.key(tenant, "claim", name), "1", "PX", ttl, "NX")) === "OK";
  }

  async release(tenant: string, name: string): Promise<void> {
    await this.client.del(this.key(tenant, "claim", name));
  }

  async putCall(record: Pick<CallRecord, "tenant" | "cardId"> & Partial<CallRecord>): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) {
      if (value === undefined) continue;
      fields[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    const key = this.key(record.tenant, "call", record.cardId);
    await this.client.multi().hset(key, fields).pexpire(key, this.ttl).exec().then(failed);
  }

  async getCall(tenant: string, cardId: string): Promise<StoredCall | undefined> {
    const replies = await this.client
      .multi()
      .hgetall(this.key(tenant, "call", cardId))
      .lrange(this.key(tenant, "events", cardId), 0, -1)
      .lrange(this.key(tenant, "deliveries", cardId), 0, -1)
      .exec()
      .then(failed);
    const hash = replies[0] as Record<string, string>;
    if (!hash.cardId) return undefined;
    const record: CallRecord = {
      tenant: hash.tenant ?? tenant,
      cardId: hash.cardId,
      startedAt: Number(hash.startedAt ?? 0),
      lookup: (hash.lookup as CallRecord["lookup"] | undefined) ?? "none",
    };
    if (hash.caller) record.caller = hash.caller;
    if (hash.routed) record.routed = JSON.parse(hash.routed);
    if (hash.contact) record.contact = JSON.parse(hash.contact);
    const events = (replies[1] as string[]).map((text) => JSON.parse(text) as PbxCallEvent);
    const deliveries = (replies[2] as string[]).map((text) => JSON.parse(text) as Delivery);
    return { record, events, deliveries };
  }

  async deleteCall(tenant: string, cardId: string): Promise<void> {
    await this.client.del(
      this.key(tenant, "call", cardId),
      this.key(tenant, "events", cardId),
      this.key(tenant, "deliveries", cardId),
    );
  }

  async addEvent(tenant: string, cardId: string, event: PbxCallEvent): Promise<void> {
    await this.append(tenant, cardId, "events", event);
  }

  async addDelivery(tenant: string, cardId: string, delivery: Delivery): Promise<void> {
    await this.append(tenant, cardId, "deliveries", delivery);
  }

  /** Appends to one of a call's lists, the oldest past `MAX_EVENTS` dropped; the call lives on. */
  private async append(tenant: string, cardId: string, list: "events" | "deliveries", item: object): Promise<void> {
    const key = this.key(tenant, list, cardId);
    await this.client
      .multi()
      .rpush(key, JSON.stringify(item))
      .ltrim(key, -MAX_EVENTS, -1)
      .pexpire(key, this.ttl)
      .pexpire(this.key(tenant, "call", cardId), this.ttl)
      .exec()
      .then(failed);
  }

  /** Redis keeps every binding as it is written (`durable` asks nothing more of it). */
  async bindId(tenant: string, pbxId: string, cardId: string): Promise<string> {
    return String(await this.client.eval(BIND, 1, this.key(tenant, "id", pbxId), cardId, this.ttl));
  }

  async findId(tenant: string, pbxIds: readonly string[]): Promise<string | undefined> {
    if (pbxIds.length === 0) return undefined;
    const bound = await this.client.mget(...pbxIds.map((id) => this.key(tenant, "id", id)));
    return bound.find((cardId): cardId is string => cardId !== null);
  }

  async addCaller(tenant: string, e164: string, cardId: string, at: number, startedBy: StartedBy): Promise<void> {
    const keys = [this.key(tenant, "caller", e164)];
    if (startedBy === "event") keys.push(this.key(tenant, "caller-by-event", e164));
    const multi = this.client.multi();
    for (const key of keys) {
      multi
        .zadd(key, at, cardId)
        .zremrangebyrank(key, 0, -(MAX_CALLER_CALLS + 1))
        .pexpire(key, this.ttl);
    }
    await multi.exec().then(failed);
  }

  async callerCalls(tenant: string, e164: string, from: number, to: number, startedBy?: "event"): Promise<string[]> {
    const key = this.key(tenant, startedBy === "event" ? "caller-by-event" : "caller", e164);
    return this.client.zrevrangebyscore(key, to, from);
  }
}

/** A MULTI's replies; the first command that failed in it throws. */
function failed(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error("redis: the transaction was aborted");
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, reply]) => reply);
}
