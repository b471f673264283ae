import { LRUCache } from "lru-cache";
import type { CacheStore, Entry } from "./store.js";

/** The embedded default: a bounded LRU in this process. Locks are local, since there is no other process. */
export class MemoryStore implements CacheStore {
  readonly kind = "memory";
  private readonly entries: LRUCache<string, Entry>;
  private readonly locks = new LRUCache<string, true>({ max: 10_000, ttlAutopurge: false });

  constructor(maxEntries: number) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  async get(key: string): Promise<Entry | undefined> {
    return this.entries.get(key);
  }

  peek(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  async set(key: string, entry: Entry): Promise<void> {
    this.entries.set(key, entry, { ttl: Math.max(1, entry.staleUntil - Date.now()) });
  }

  async lock(key: string, ttlMs: number): Promise<boolean> {
    if (this.locks.has(key)) return false;
    this.locks.set(key, true, { ttl: ttlMs });
    return true;
  }

  async unlock(key: string): Promise<void> {
    this.locks.delete(key);
  }

  async deleteMatching(prefix: string, suffix: string): Promise<number> {
    let deleted = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix) && key.endsWith(suffix) && this.entries.delete(key)) deleted++;
    }
    return deleted;
  }

  async ready(): Promise<boolean> {
    return true;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
