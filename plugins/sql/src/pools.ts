import { createHash } from "node:crypto";
import type { Driver } from "./drivers/types.js";

interface Entry {
  refs: number;
  open: () => Driver;
  driver?: Driver;
}

/** A tenant's hold on a shared database: the pool opens on the first lookup and closes with the last hold. */
export interface Lease {
  /** The shared driver, opened now if it is not yet; throws once the lease is released. */
  driver(): Driver;
  /** Idempotent; the last release closes the pool. */
  release(): Promise<void>;
}

const shared = new Map<string, Entry>();

/**
 * A hold on the database that `parts` identify (driver, URL, TLS, pool size, time-out). The key is a hash:
 * the URL carries a password, and this map outlives the config that held it.
 */
export function leaseDatabase(parts: unknown[], open: () => Driver): Lease {
  const key = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  let entry = shared.get(key);
  if (!entry) {
    entry = { refs: 0, open };
    shared.set(key, entry);
  }
  const held = entry;
  held.refs += 1;
  let released = false;
  return {
    driver() {
      if (released) throw new Error("the adapter is closed");
      held.driver ??= held.open();
      return held.driver;
    },
    async release() {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs > 0) return;
      if (shared.get(key) === held) shared.delete(key);
      const driver = held.driver;
      held.driver = undefined;
      await driver?.close();
    },
  };
}

/** How many shared databases are held, and how many of them are open: for tests and diagnostics. */
export function sharedDatabases(): { held: number; open: number } {
  const entries = [...shared.values()];
  return { held: entries.length, open: entries.filter((e) => e.driver).length };
}
