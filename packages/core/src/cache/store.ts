import type { Contact } from "@santral-hub/sdk";

/** Bumped when the shape of a cached entry changes: entries of another version are read as misses. */
export const ENTRY_VERSION = 1;

/** One cached answer of a CRM: the verified candidates for one query (`[]` is a cached "not found"). */
export interface Entry {
  v: number;
  /** When the answer stops being fresh (ms since epoch); until `staleUntil` it is served and refreshed. */
  freshUntil: number;
  staleUntil: number;
  contacts: Contact[];
}

/** Where entries live: the process (memory) or Redis. Failures throw; the cache above treats them as misses. */
export interface CacheStore {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<Entry | undefined>;
  /** The entry without waiting, where the store can (memory); lets a hit skip the deadline machinery. */
  peek?(key: string): Entry | undefined;
  set(key: string, entry: Entry): Promise<void>;
  /** `SET NX PX`: true when this caller now holds the lock. */
  lock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
  /** Deletes the keys that start with `prefix` and end with `suffix`; returns how many. */
  deleteMatching(prefix: string, suffix: string): Promise<number>;
  /** Resolves when the backend is connected, or after a bound; true when connected. */
  ready(ms?: number): Promise<boolean>;
  /** True while the backend answers (always, for memory). */
  healthy(): boolean;
  close(): Promise<void>;
}
