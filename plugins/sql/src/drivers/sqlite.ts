import Database from "better-sqlite3";
import type { Driver, DriverOptions } from "./types.js";

/** Prepared statements kept per database; a tenant has one or two queries, `:variants` a few lengths. */
const STATEMENT_CACHE = 32;

/** Thrown for a statement SQLite itself says would write, however it got past the load-time check. */
export class WriteStatementError extends Error {
  override readonly name = "WriteStatementError";
}

/**
 * A SQLite file, opened read-only (unless `writable`, for the call log) on the first statement. better-sqlite3 runs statements synchronously, so
 * an abort can only be honoured before a statement starts, and there is no statement time-out; the busy
 * time-out (a writer holding a lock) is `statementTimeout`.
 */
export function openSqlite(o: DriverOptions): Driver {
  let db: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();

  function statement(sql: string): Database.Statement {
    const cached = statements.get(sql);
    if (cached) return cached;
    db ??= open(o);
    const prepared = db.prepare(sql);
    if (!o.writable && (!prepared.reader || !prepared.readonly))
      throw new WriteStatementError("the statement would write");
    if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value ?? "");
    statements.set(sql, prepared);
    return prepared;
  }

  return {
    dialect: "sqlite",
    async run(sql, values, signal) {
      signal.throwIfAborted();
      const prepared = statement(sql);
      if (!prepared.reader) return { rows: [], columns: [], changes: prepared.run(...values).changes };
      const rows = prepared.all(...values) as Record<string, unknown>[];
      return { rows, columns: prepared.columns().map((c) => c.name), changes: 0 };
    },
    async close() {
      statements.clear();
      db?.close();
      db = undefined;
    },
  };
}

function open(o: DriverOptions): Database.Database {
  try {
    return new Database(o.url, { readonly: !o.writable, fileMustExist: true, timeout: o.statementTimeoutMs });
  } catch (error) {
    if ((error as { code?: unknown }).code !== undefined) throw error;
    // a missing directory is a TypeError without a code; it is the same problem as a missing file
    throw Object.assign(new Error((error as Error).message, { cause: error }), { code: "SQLITE_CANTOPEN" });
  }
}
