import { isCrmError, type Logger } from "@santral-hub/sdk";
import { PLUGIN_NAME } from "./name.js";
import { raceSignal } from "./signals.js";

const KNOWN_MS = 60 * 60_000;
const UNKNOWN_MS = 10 * 60_000;
/** A failed read (a missing scope, an outage) is not retried on every call. */
const FAILED_MS = 60_000;

type Fetch = (id: string, signal: AbortSignal) => Promise<{ firstName?: string; lastName?: string } | undefined>;

/**
 * Owners' names by owner id, read through the owners API and kept an hour: owners rarely change, and each
 * read costs a request of the account's quota. A name that cannot be read leaves the contact without it;
 * the lookup still answers.
 */
export class OwnerNames {
  private readonly known = new Map<string, { name: string | undefined; until: number }>();
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly fetch: Fetch,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async names(ids: Iterable<string>, signal: AbortSignal): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        const name = await this.name(id, signal);
        if (name) out.set(id, name);
      }),
    );
    return out;
  }

  private async name(id: string, signal: AbortSignal): Promise<string | undefined> {
    const hit = this.known.get(id);
    if (hit && hit.until > this.now()) return hit.name;
    let pending = this.pending.get(id);
    if (!pending) {
      // shared by concurrent lookups of one owner; bound to the first one's signal
      pending = this.read(id, signal).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    try {
      return await raceSignal(pending, signal);
    } catch {
      if (signal.aborted) throw signal.reason;
      return undefined;
    }
  }

  private async read(id: string, signal: AbortSignal): Promise<string | undefined> {
    try {
      const owner = await this.fetch(id, signal);
      const name = [owner?.firstName, owner?.lastName].filter(Boolean).join(" ") || undefined;
      this.known.set(id, { name, until: this.now() + (owner ? KNOWN_MS : UNKNOWN_MS) });
      return name;
    } catch (error) {
      if (!signal.aborted) {
        this.known.set(id, { name: undefined, until: this.now() + FAILED_MS });
        const reason = isCrmError(error) ? error.message : String(error);
        this.log.warn({ plugin: PLUGIN_NAME, ownerId: id, reason }, "hubspot: owner name unavailable");
      }
      throw error;
    }
  }
}
