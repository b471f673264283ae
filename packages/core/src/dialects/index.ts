import type { Dialect } from "./dialect.js";
import { netsantral } from "./netsantral/index.js";

export type { Dialect, RoutingTarget, WireReply } from "./dialect.js";

/** A tenant file without `dialect:` speaks Netsantral. */
export const DEFAULT_DIALECT: Dialect = netsantral;

/**
 * Every PBX dialect the hub speaks, by the name a tenant file's `dialect:` gives. A new dialect is its own
 * folder beside `netsantral/`, imported above and listed here.
 */
export const DIALECTS: ReadonlyMap<string, Dialect> = new Map([netsantral].map((d) => [d.name, d]));

/** The dialects' names, for the message naming them (`use one of: netsantral`). */
export function dialectNames(): string[] {
  return [...DIALECTS.keys()];
}
