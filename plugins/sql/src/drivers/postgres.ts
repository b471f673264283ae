import { connect } from "node:net";
import pg from "pg";
import { PLUGIN_NAME } from "../name.js";
import { acquire, untilAborted } from "./abort.js";
import type { Driver, DriverOptions } from "./types.js";

const DATE = 1082;
const TIMESTAMP = 1114;
// A date or a timestamp without zone stays text: made into a JS Date it would shift by the hub's offset
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === DATE || oid === TIMESTAMP ? (value: string) => value : pg.types.getTypeParser(oid, format)) as never,
};

/**
 * PostgreSQL through a `pg` pool: every session read-only (unless `writable`) with a statement time-out;
 * aborts cancel.
 */
export function openPostgres(o: DriverOptions): Driver {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolMax,
    connectionTimeoutMillis: o.acquireTimeoutMs,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    application_name: "santral-hub",
    types,
    ...(o.tls ? { ssl: o.tls } : {}),
    // Once per connection, before its first lookup: a session SET works through poolers that refuse
    // startup options. The time-out is a number from the schema, never a lookup value.
    onConnect: async (client) => {
      const readOnly = o.writable ? "" : "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; ";
      await client.query(`${readOnly}SET statement_timeout = ${Math.round(o.statementTimeoutMs)}`);
    },
  });
  // an idle connection that dies (server restart, pg_terminate_backend) must not crash the hub
  pool.on("error", (error: Error & { code?: string }) => {
    o.log.warn({ plugin: PLUGIN_NAME, driver: "postgres", code: error.code }, "sql: an idle connection closed");
  });

  return {
    dialect: "postgres",
    async run(sql, values, signal) {
      const client = await acquire(
        () => pool.connect(),
        signal,
        o.acquireTimeoutMs,
        (late) => late.release(),
      );
      const work = client.query({ text: sql, values });
      let aborted = false;
      let result: pg.QueryResult;
      try {
        result = await untilAborted(work, signal, () => {
          aborted = true;
          cancel(client);
        });
      } catch (error) {
        // after an abort a late cancel request could hit the connection's next statement: never reuse it
        if (aborted) void work.then(noop, noop).finally(() => client.release(true));
        else client.release(reusable(error) ? undefined : true);
        throw error;
      }
      client.release();
      const changes = result.command === "SELECT" ? 0 : (result.rowCount ?? 0);
      return { rows: result.rows, columns: result.fields.map((f) => f.name), changes };
    },
    close: () => pool.end(),
  };
}

function noop(): void {}

/** A server error (it has a SQLSTATE) leaves the connection usable, unless it ended the session (57P, 08). */
function reusable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(57P|08)/.test(code);
}

/**
 * PostgreSQL's CancelRequest: a 16-byte message on a new socket, answered by closing it. It needs no
 * login, so it works while the pool is full. If it is lost, the statement time-out still ends the query.
 */
function cancel(client: pg.PoolClient): void {
  const { host, port, processID, secretKey } = client as unknown as {
    host: string;
    port: number;
    processID: number;
    secretKey: number;
  };
  const socket = host.startsWith("/") ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
  socket.setTimeout(2_000, () => socket.destroy());
  socket.on("error", noop);
  socket.on("connect", () => {
    const message = Buffer.alloc(16);
    message.writeInt32BE(16, 0);
    message.writeInt32BE(80877102, 4);
    message.writeInt32BE(processID, 8);
    message.writeInt32BE(secretKey, 12);
    socket.end(message);
  });
}
