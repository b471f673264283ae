import type { SfRecord } from "./record.js";

/** Sales reps change extension rarely; a lookup should not pay one more API call per owner each time. */
export const OWNER_TTL_MS = 10 * 60_000;
const MAX_USERS = 1000;

/**
 * The owners' User records behind `Owner.X` paths that the polymorphic `Owner` cannot read (see plan.ts),
 * fetched in one query per lookup for the ids not yet known, and kept for {@link OWNER_TTL_MS}.
 */
export class OwnerDirectory {
  private readonly known = new Map<string, { user: SfRecord; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async users(ids: readonly string[], fetch: (missing: string[]) => Promise<SfRecord[]>) {
    const found = new Map<string, SfRecord>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const entry = this.known.get(id);
      if (entry && entry.until > this.now()) found.set(id, entry.user);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const user of await fetch(missing)) {
      const id = typeof user.Id === "string" ? user.Id : undefined;
      if (id === undefined) continue;
      found.set(id, user);
      this.known.delete(id);
      this.known.set(id, { user, until: this.now() + OWNER_TTL_MS });
    }
    // the oldest entries go first: a Map keeps insertion order
    for (const id of this.known.keys()) {
      if (this.known.size <= MAX_USERS) break;
      this.known.delete(id);
    }
    return found;
  }
}
