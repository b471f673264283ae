import Database from "better-sqlite3";

/**
 * Opens (creating it if needed) the embedded default's SQLite file for the agent's page, as the hub and
 * `santral-hub agent link` both do: WAL, so the hub reads while the CLI writes, and a busy wait rather than
 * an error while the other process holds the write lock.
 */
export function openAgentDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  return db;
}
