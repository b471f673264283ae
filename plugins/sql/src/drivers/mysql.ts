import mysql from "mysql2/promise";
import { PLUGIN_NAME } from "../name.js";
import { acquire, untilAborted } from "./abort.js";
import type { Driver, DriverOptions } from "./types.js";

const UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * MySQL and MariaDB through a `mysql2` pool. Values go as server-side prepared statement parameters
 * (`execute`), never through the client's escaping; every session is read-only with a time-out; an abort
 * kills the running statement from a second connection.
 */
export function openMysql(o: DriverOptions): Driver {
  const connection = {
    uri: o.url.replace(/^mariadb:/, "mysql:"),
    connectTimeout: o.acquireTimeoutMs,
    // DATETIME and DATE as text: made into a JS Date they would shift by the hub's own offset
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    ...(o.tls ? { ssl: o.tls } : {}),
  };
  const pool = mysql.createPool({
    ...connection,
    connectionLimit: o.poolMax,
    maxIdle: o.poolMax,
    idleTimeout: 30_000,
    enableKeepAlive: true,
  });
  // a connection that dies while idle (KILL, server restart) emits an error nobody awaits
  pool.pool.on("connection", (conn) => {
    conn.on("error", (error: Error & { code?: string }) => {
      o.log.warn({ plugin: PLUGIN_NAME, driver: "mysql", code: error.code }, "sql: a connection closed");
    });
  });
  const ready = new WeakSet<object>();
  // MariaDB bounds statements with max_statement_time (seconds), MySQL with max_execution_time (ms)
  let mariadb: boolean | undefined;

  // the time-out is a number from the schema, never a lookup value
  async function prepare(conn: mysql.PoolConnection): Promise<void> {
    if (ready.has(conn.connection)) return;
    if (!o.writable) await conn.query("SET SESSION TRANSACTION READ ONLY");
    if (mariadb !== false) {
      try {
        await conn.query("SET SESSION max_statement_time = ?", [o.statementTimeoutMs / 1000]);
        mariadb = true;
      } catch (error) {
        if ((error as { errno?: number }).errno !== UNKNOWN_SYSTEM_VARIABLE) throw error;
        mariadb = false;
      }
    }
    if (mariadb === false) await conn.query("SET SESSION max_execution_time = ?", [o.statementTimeoutMs]);
    ready.add(conn.connection);
  }

  return {
    dialect: "mysql",
    async run(sql, values, signal) {
      const conn = await acquire(
        () => pool.getConnection(),
        signal,
        o.acquireTimeoutMs,
        (late) => late.release(),
      );
      let aborted = false;
      let work: Promise<unknown> = Promise.resolve();
      let result: [unknown, mysql.FieldPacket[]];
      try {
        work = prepare(conn);
        await untilAborted(work, signal, () => {
          aborted = true;
        });
        work = conn.execute({ sql, values });
        result = await untilAborted(work as Promise<[unknown, mysql.FieldPacket[]]>, signal, () => {
          aborted = true;
          void kill(connection, conn.connection.threadId);
        });
      } catch (error) {
        // a killed statement's connection could be hit by a late KILL QUERY meant for it: drop it
        if (aborted) void work.then(noop, noop).finally(() => conn.destroy());
        else if (reusable(error)) conn.release();
        else conn.destroy();
        throw error;
      }
      conn.release();
      const [rows, fields] = result;
      // a write answers a ResultSetHeader rather than rows
      if (!Array.isArray(rows)) return { rows: [], columns: [], changes: (rows as mysql.ResultSetHeader).affectedRows };
      return { rows: rows as Record<string, unknown>[], columns: (fields ?? []).map((f) => f.name), changes: 0 };
    },
    close: () => pool.end(),
  };
}

function noop(): void {}

/** A server error (it has a SQLSTATE) leaves the connection usable; a client or network error may not. */
function reusable(error: unknown): boolean {
  const e = error as { sqlState?: unknown; fatal?: unknown };
  return typeof e.sqlState === "string" && e.fatal !== true;
}

/** `KILL QUERY` from a short-lived connection of the same user: a user may always kill its own statements. */
async function kill(connection: mysql.ConnectionOptions, threadId: number | null): Promise<void> {
  if (threadId === null) return;
  let killer: mysql.Connection | undefined;
  try {
    killer = await mysql.createConnection(connection);
    await killer.query("KILL QUERY ?", [threadId]);
  } catch {
    // the statement time-out still ends it
  } finally {
    killer?.destroy();
  }
}
