import { CrmError, type CrmErrorKind } from "@santral-hub/sdk";
import { WriteStatementError } from "./drivers/sqlite.js";
import { AcquireTimeoutError } from "./drivers/types.js";
import { PLUGIN_NAME } from "./name.js";
import type { Dialect } from "./statement.js";

export interface ErrorContext {
  dialect: Dialect;
  /** The config key of the query that ran: `query` or `customerNumberQuery`. */
  where: string;
  /** For sqlite, the file. */
  file?: string;
  statementTimeoutMs: number;
  acquireTimeoutMs: number;
  poolMax: number;
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
}

const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "EPIPE"]);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL/;

/**
 * The driver's error as a CrmError of the kind core acts on. Only messages known to hold names (of
 * columns, tables, functions) are quoted: a data error's message can quote a bound value.
 */
export function toCrmError(error: unknown, ctx: ErrorContext): CrmError {
  const e = (error ?? {}) as DriverError;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : String(error);
  const make = (kind: CrmErrorKind, text: string) => new CrmError(kind, PLUGIN_NAME, text, { cause: error });
  if (error instanceof AcquireTimeoutError || /timeout exceeded when trying to connect/.test(message)) {
    return make(
      "unavailable",
      `no connection within pool.acquireTimeout (${ctx.acquireTimeoutMs} ms): the database is not answering, or all ${ctx.poolMax} connections of the pool are busy`,
    );
  }
  if (error instanceof WriteStatementError) return make("bad_config", `${ctx.where} must only read`);
  if (NETWORK.has(code)) return make("unavailable", `cannot reach the database (${code})`);
  if (TLS.test(code)) return make("bad_config", `the server's TLS certificate was refused (${code}): set tls.ca`);
  if (/does not support SSL/i.test(message)) return make("bad_config", "the server does not offer TLS: remove tls");
  const kind = ctx.dialect === "postgres" ? postgres(code) : ctx.dialect === "mysql" ? mysql(e) : sqlite(code, message);
  switch (kind) {
    case "auth":
      return make(
        "auth",
        `the database refused the user (${codeOf(e)}: ${message}): check the URL's user and password, and that the user may SELECT what the query reads`,
      );
    case "timeout":
      return make("timeout", `${ctx.where} ran longer than statementTimeout (${ctx.statementTimeoutMs} ms)`);
    case "write":
      return make("bad_config", `${ctx.where} must only read (${codeOf(e)}: ${message})`);
    case "names":
      return make("bad_config", `${ctx.where}: ${message} (${codeOf(e)}): fix the query or the table`);
    case "database":
      return ctx.file
        ? make("bad_config", `cannot open the SQLite file ${ctx.file} (${code}: ${message}): check url`)
        : make("bad_config", `the database named in the URL does not exist (${codeOf(e)}): check url`);
    case "data":
      return make(
        "bad_config",
        `${ctx.where}: the database could not use a parameter (${codeOf(e)}): does the column's type match, e.g. text for phones?`,
      );
    default:
      return make("unavailable", `the database failed (${codeOf(e) || message})`);
  }
}

type Kind = "auth" | "timeout" | "write" | "names" | "database" | "data" | "other";

function postgres(code: string): Kind {
  if (code === "28P01" || code === "28000" || code === "42501") return "auth";
  if (code === "57014") return "timeout";
  if (code === "25006") return "write";
  if (code === "3D000") return "database";
  if (code.startsWith("42")) return "names"; // 42703 column, 42P01 table, 42883 function, 42601 syntax
  if (code.startsWith("22")) return "data";
  return "other";
}

function mysql(e: DriverError): Kind {
  const errno = typeof e.errno === "number" ? e.errno : 0;
  const state = typeof e.sqlState === "string" ? e.sqlState : "";
  if ([1044, 1045, 1142, 1143, 1227, 1698].includes(errno)) return "auth";
  if (errno === 1969 || errno === 3024) return "timeout"; // MariaDB max_statement_time, MySQL max_execution_time
  if (errno === 1792) return "write";
  if (errno === 1049) return "database";
  if (state.startsWith("42")) return "names"; // 1054 column, 1146 table, 1064 syntax
  if (state.startsWith("22")) return "data";
  return "other";
}

function sqlite(code: string, message: string): Kind {
  if (code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB") return "database";
  if (code === "SQLITE_READONLY") return "write";
  if (code === "SQLITE_AUTH") return "auth";
  if (code === "SQLITE_ERROR" && /no such|syntax error|ambiguous|misuse|unrecognized/i.test(message)) return "names";
  if (code === "SQLITE_MISMATCH") return "data";
  return "other";
}

function codeOf(e: DriverError): string {
  if (typeof e.errno === "number" && typeof e.code === "string") return `${e.code} ${e.errno}`;
  if (typeof e.errno === "number") return `errno ${e.errno}`;
  return typeof e.code === "string" ? e.code : "";
}

/** A connection that died under the statement (killed, server restarted): worth one retry on a new one. */
export function isConnectionLost(error: unknown, dialect: Dialect): boolean {
  const e = (error ?? {}) as DriverError;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (code === "ECONNRESET" || code === "EPIPE") return true;
  if (dialect === "postgres") {
    return /^57P0[123]$/.test(code) || /Connection terminated|not queryable|connection error/i.test(message);
  }
  if (dialect === "mysql") {
    return (
      code === "PROTOCOL_CONNECTION_LOST" ||
      [1927, 2006, 2013, 4031].includes(typeof e.errno === "number" ? e.errno : 0) ||
      /closed state/i.test(message)
    );
  }
  return false;
}
