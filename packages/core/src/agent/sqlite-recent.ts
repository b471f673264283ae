import type Database from "better-sqlite3";
import type { Card } from "../calls/types.js";
import { dayOf } from "./day.js";
import { type RecentOptions, recentOptions } from "./recent.js";
import type { RecentCards } from "./types.js";

/** Today's cards in the embedded default's SQLite file: a restarted hub still shows the day's calls. */
export class SqliteRecentCards implements RecentCards {
  private readonly options: Required<RecentOptions>;
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    options?: RecentOptions,
  ) {
    this.options = recentOptions(options);
    if (db.pragma("busy_timeout", { simple: true }) === 0) db.pragma("busy_timeout = 5000");
    db.exec(`CREATE TABLE IF NOT EXISTS agent_recent (
      tenant TEXT NOT NULL, id TEXT NOT NULL, day TEXT NOT NULL, at INTEGER NOT NULL, card TEXT NOT NULL,
      PRIMARY KEY (tenant, id))`);
    this.sql = {
      // the later event wins; an equal time replaces too (the later delivery)
      upsert: db.prepare(
        `INSERT INTO agent_recent (tenant, id, day, at, card) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant, id) DO UPDATE SET day = excluded.day, at = excluded.at, card = excluded.card
         WHERE excluded.at >= agent_recent.at`,
      ),
      otherDays: db.prepare("DELETE FROM agent_recent WHERE tenant = ? AND day < ?"),
      trim: db.prepare(
        `DELETE FROM agent_recent WHERE tenant = @tenant AND id NOT IN
         (SELECT id FROM agent_recent WHERE tenant = @tenant ORDER BY at DESC LIMIT @max)`,
      ),
      list: db.prepare<[string, string, number], { card: string }>(
        "SELECT card FROM agent_recent WHERE tenant = ? AND day = ? ORDER BY at DESC LIMIT ?",
      ),
    };
  }

  async add(card: Card): Promise<void> {
    const day = dayOf(card.at, this.options.timeZone(card.tenant));
    this.db.transaction(() => {
      this.sql.otherDays.run(card.tenant, day);
      this.sql.upsert.run(card.tenant, card.id, day, card.at, JSON.stringify(card));
      this.sql.trim.run({ tenant: card.tenant, max: this.options.max });
    })();
  }

  async list(tenant: string, now = this.options.now()): Promise<Card[]> {
    const day = dayOf(now, this.options.timeZone(tenant));
    return this.sql.list.all(tenant, day, this.options.max).map((row) => JSON.parse(row.card) as Card);
  }
}
