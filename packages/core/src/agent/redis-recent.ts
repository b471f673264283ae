import type { Cluster, Redis } from "ioredis";
import type { Card } from "../calls/types.js";
import { dayOf, endOfDay } from "./day.js";
import { latestPerCall, type RecentOptions, recentOptions } from "./recent.js";
import type { RecentCards } from "./types.js";

/** A call's card is published a few times (ringing, answered, ended): room for that many versions a call. */
const VERSIONS = 4;

/**
 * Today's cards in Redis, shared by every node: a capped list per tenant and day that expires an hour after
 * the day ends; versions of one call are folded when read.
 */
export class RedisRecentCards implements RecentCards {
  private readonly options: Required<RecentOptions>;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly prefix: string,
    options?: RecentOptions,
  ) {
    this.options = recentOptions(options);
  }

  private key(tenant: string, day: string): string {
    return `${this.prefix}agent:{${tenant}}:recent:${day}`;
  }

  async add(card: Card): Promise<void> {
    const zone = this.options.timeZone(card.tenant);
    const key = this.key(card.tenant, dayOf(card.at, zone));
    const replies = await this.client
      .multi()
      .lpush(key, JSON.stringify(card))
      .ltrim(key, 0, this.options.max * VERSIONS - 1)
      .pexpireat(key, endOfDay(card.at, zone) + 3_600_000)
      .exec();
    for (const [error] of replies ?? []) if (error) throw error;
  }

  async list(tenant: string, now = this.options.now()): Promise<Card[]> {
    const raw = await this.client.lrange(this.key(tenant, dayOf(now, this.options.timeZone(tenant))), 0, -1);
    // newest delivery first in the list; reversed, so a later delivery of an equal time wins
    return latestPerCall(
      raw.reverse().map((text) => JSON.parse(text) as Card),
      this.options.max,
    );
  }
}
