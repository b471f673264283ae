import Database from "better-sqlite3";
import type { StoredCall } from "./store.js";

const TABLES = ["calls", "ids", "callers", "claims"] as const;

/** One key of the store as the file keeps it: its value (JSON) until `expires` (ms since 1970). */
export interface FileRow {
  table: (typeof TABLES)[number];
  key: string;
  /** Absent: the key is gone (deleted or expired) and its row goes too. */
  value?: string;
  expires?: number;
}

/**
 * The SQLite file behind the embedded default's calls: written in batches after the fact, so the answer
 * path never waits for it; read whole at start (the calls of the last few hours), and by
 * `santral-hub explain --call` from another process (WAL lets it read while the hub writes).
 */
export class CallFile {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // a crash may lose the last batch, never corrupt the file: calls are hours-long hints, not records
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    for (const table of TABLES) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS call_${table} (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID`);
    }
    const statements = (make: (table: string) => string) =>
      Object.fromEntries(TABLES.map((t) => [t, this.db.prepare(make(`call_${t}`))]));
    this.sql = {
      put: statements(
        (t) => `INSERT INTO ${t} (key, value, expires) VALUES (?, ?, ?)
                ON CONFLICT DO UPDATE SET value = excluded.value, expires = excluded.expires`,
      ),
      delete: statements((t) => `DELETE FROM ${t} WHERE key = ?`),
      all: statements((t) => `SELECT key, value, expires FROM ${t} WHERE expires > ?`),
      sweep: statements((t) => `DELETE FROM ${t} WHERE expires <= ?`),
    };
  }

  /** Writes a batch in one transaction. */
  write(rows: readonly FileRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        if (row.value === undefined) this.sql.delete[row.table]?.run(row.key);
        else this.sql.put[row.table]?.run(row.key, row.value, row.expires);
      }
    })();
  }

  /** Every key of a table not yet expired. */
  all(table: FileRow["table"], now: number): { key: string; value: string; expires: number }[] {
    return this.sql.all[table]?.all(now) as { key: string; value: string; expires: number }[];
  }

  sweep(now: number): void {
    for (const table of TABLES) this.sql.sweep[table]?.run(now);
  }

  close(): void {
    this.db.close();
  }
}

/** A stored call as its row holds it. */
export function callOfRow(value: string): StoredCall {
  const call = JSON.parse(value) as StoredCall;
  return { record: call.record, events: call.events ?? [], deliveries: call.deliveries ?? [] };
}
