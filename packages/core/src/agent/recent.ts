import type { Card } from "../calls/types.js";
import { dayOf } from "./day.js";
import type { RecentCards } from "./types.js";

export const DEFAULT_ZONE = "Europe/Istanbul";

export interface RecentOptions {
  /** The most calls kept per tenant and day; default 100. */
  max?: number;
  /** The tenant's time zone, for what "today" is; default Europe/Istanbul. */
  timeZone?: (tenant: string) => string;
  now?: () => number;
}

/** The options with their defaults, shared by every backend. */
export function recentOptions(options: RecentOptions = {}): Required<RecentOptions> {
  return { max: options.max ?? 100, timeZone: options.timeZone ?? (() => DEFAULT_ZONE), now: options.now ?? Date.now };
}

/**
 * One card per call, latest first. Of two versions of one call the later event wins (`at`), since a PBX
 * may deliver events out of order; between equal times, the one that came later.
 */
export function latestPerCall(cards: Iterable<Card>, max: number): Card[] {
  const byId = new Map<string, Card>();
  for (const card of cards) {
    const seen = byId.get(card.id);
    if (!seen || card.at >= seen.at) byId.set(card.id, card);
  }
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, max);
}

/** Today's cards in this process; for a single node without a file, and for tests. */
export class MemoryRecentCards implements RecentCards {
  private readonly options: Required<RecentOptions>;
  private readonly days = new Map<string, { day: string; cards: Card[] }>();

  constructor(options?: RecentOptions) {
    this.options = recentOptions(options);
  }

  async add(card: Card): Promise<void> {
    const day = dayOf(card.at, this.options.timeZone(card.tenant));
    let kept = this.days.get(card.tenant);
    if (!kept || kept.day < day) {
      kept = { day, cards: [] };
      this.days.set(card.tenant, kept);
    } else if (kept.day > day) return; // a late event of yesterday's call
    kept.cards = latestPerCall([...kept.cards, card], this.options.max);
  }

  async list(tenant: string, now = this.options.now()): Promise<Card[]> {
    const kept = this.days.get(tenant);
    return kept && kept.day === dayOf(now, this.options.timeZone(tenant)) ? [...kept.cards] : [];
  }
}
