import type { Logger } from "@santral-hub/sdk";
import type { Row } from "../row.js";
import type { Dialect } from "../statement.js";

/** What a query returned: its rows, and its column names (known even when no row came back). */
export interface Result {
  rows: Row[];
  columns: string[];
  /** Rows a write inserted or changed (0 for a read, and for an INSERT its conflict clause skipped). */
  changes: number;
}

/** One database, shared by the tenants that use it. Errors are the driver's own; the adapter maps them. */
export interface Driver {
  readonly dialect: Dialect;
  /**
   * Runs one statement with its bound values (a read, or on a writable driver the call log's INSERT);
   * rejects with `signal.reason` once aborted.
   */
  run(sql: string, values: (string | null)[], signal: AbortSignal): Promise<Result>;
  close(): Promise<void>;
}

export interface DriverOptions {
  /** A connection URL; for sqlite an absolute file path. Holds a password: never log it. */
  url: string;
  poolMax: number;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
  /**
   * Lookups' sessions are read-only, so no query can write whatever its text; only the call log's own
   * connection, which a tenant enables with `callLog`, is opened writable.
   */
  writable?: boolean;
  /** `ca` is PEM text by now. */
  tls?: { rejectUnauthorized: boolean; ca?: string };
  log: Logger;
}

/** Thrown when no connection was free (or made) within `pool.acquireTimeout`. */
export class AcquireTimeoutError extends Error {
  override readonly name = "AcquireTimeoutError";
  readonly code = "ACQUIRE_TIMEOUT";
}
