import type { Logger } from "@santral-hub/sdk";
import type { Row } from "../row.js";
import type { Dialect } from "../statement.js";

/** What a query returned: its rows, and its column names (known even when no row came back). */
export interface Result {
  rows: Row[];
  columns: string[];
}

/** One database, shared by the tenants that use it. Errors are the driver's own; the adapter maps them. */
export interface Driver {
  readonly dialect: Dialect;
  /** Runs one read statement with its bound values; rejects with `signal.reason` once aborted. */
  run(sql: string, values: string[], signal: AbortSignal): Promise<Result>;
  close(): Promise<void>;
}

export interface DriverOptions {
  /** A connection URL; for sqlite an absolute file path. Holds a password: never log it. */
  url: string;
  poolMax: number;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
  /** `ca` is PEM text by now. */
  tls?: { rejectUnauthorized: boolean; ca?: string };
  log: Logger;
}

/** Thrown when no connection was free (or made) within `pool.acquireTimeout`. */
export class AcquireTimeoutError extends Error {
  override readonly name = "AcquireTimeoutError";
  readonly code = "ACQUIRE_TIMEOUT";
}
