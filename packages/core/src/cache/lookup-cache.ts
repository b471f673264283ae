import type { Contact, Logger, LookupQuery } from "@santral-hub/sdk";
import { querySuffix, tenantPrefix } from "./key.js";
import { type CacheStore, ENTRY_VERSION, type Entry } from "./store.js";

/** How long a tenant's answers are kept (tenant file `cache:`). */
export interface CacheTtls {
  ttlMs: number;
  notFoundTtlMs: number;
  staleForMs: number;
}

/** hit: fresh entry; stale: served while refreshed; miss: asked the CRM (or waited for a node that did). */
export type CacheOutcome = "hit" | "stale" | "miss";

export interface LookupCacheOptions {
  /** How long one node may hold the cross-node lock on a key while it asks the CRM. */
  lockMs: number;
  /** How long another node waits for that answer before asking the CRM itself. */
  waitMs: number;
  log: Logger;
}

/**
 * Answers from the store when it can, and otherwise asks the CRM once per key: concurrent lookups in this
 * process share one promise, and nodes sharing a Redis take a short lock so one of them asks while the
 * others wait for its answer. Errors are never cached; a store that fails is a miss, never an error.
 */
export class LookupCache {
  private readonly flights = new Map<string, Promise<Contact[]>>();

  constructor(
    readonly store: CacheStore,
    private readonly options: LookupCacheOptions,
  ) {}

  async get(
    key: string,
    ttls: CacheTtls,
    load: () => Promise<Contact[]>,
  ): Promise<{ contacts: Contact[]; outcome: CacheOutcome }> {
    const entry = await this.read(key);
    const now = Date.now();
    if (entry && now < entry.freshUntil) return { contacts: entry.contacts, outcome: "hit" };
    if (entry && now < entry.staleUntil) {
      this.fly(key, ttls, load).catch(() => {}); // refreshed in the background; a failure keeps the stale entry
      return { contacts: entry.contacts, outcome: "stale" };
    }
    return { contacts: await this.fly(key, ttls, load), outcome: "miss" };
  }

  /** A fresh answer available at once (in-memory store), or undefined: then call `get`. */
  fresh(key: string): Contact[] | undefined {
    const entry = this.store.peek?.(key);
    return entry && Date.now() < entry.freshUntil ? entry.contacts : undefined;
  }

  /** Drops a tenant's cached answers: all of them, or those of one query (every adapter config). */
  purge(tenant: string, query?: LookupQuery): Promise<number> {
    return this.store.deleteMatching(tenantPrefix(tenant), query ? querySuffix(query) : "");
  }

  /** The in-flight lookup of a key, for tests and shutdown. */
  inFlight(): number {
    return this.flights.size;
  }

  private fly(key: string, ttls: CacheTtls, load: () => Promise<Contact[]>): Promise<Contact[]> {
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.loadOnce(key, ttls, load).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  private async loadOnce(key: string, ttls: CacheTtls, load: () => Promise<Contact[]>): Promise<Contact[]> {
    const lockKey = `${key}:lock`;
    const shared = this.store.kind !== "memory";
    const locked = shared ? await this.store.lock(lockKey, this.options.lockMs).catch(() => true) : false;
    if (shared && !locked) {
      const answered = await this.waitForAnswer(key);
      if (answered) return answered.contacts;
    }
    try {
      const contacts = await load();
      const now = Date.now();
      const freshUntil = now + (contacts.length > 0 ? ttls.ttlMs : ttls.notFoundTtlMs);
      const entry: Entry = { v: ENTRY_VERSION, freshUntil, staleUntil: freshUntil + ttls.staleForMs, contacts };
      await this.store.set(key, entry).catch(() => {});
      return contacts;
    } finally {
      if (locked) await this.store.unlock(lockKey).catch(() => {});
    }
  }

  /** Another node holds the lock: poll for its answer until `waitMs`, then give up and ask the CRM too. */
  private async waitForAnswer(key: string): Promise<Entry | undefined> {
    const until = Date.now() + this.options.waitMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const entry = await this.read(key);
      if (entry && Date.now() < entry.freshUntil) return entry;
    }
    return undefined;
  }

  private async read(key: string): Promise<Entry | undefined> {
    try {
      return await this.store.get(key);
    } catch {
      return undefined; // the store logs its own outage once; this call goes on to the CRM
    }
  }
}
