import type { z } from "zod";
import type { CallLog, LoggedCall } from "./call-log.js";
import type { Contact, LookupQuery } from "./contact.js";
import type { Phone } from "./phone.js";

/** The version of this contract; core refuses a plugin built against another major. */
export const SDK_CONTRACT_VERSION = 1;

/** The subset of pino's logger a plugin may use. Never log a number or a name in plain text. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LookupContext {
  /** Aborted when the hub gives up on the lookup: stop the HTTP or SQL work. */
  signal: AbortSignal;
  log: Logger;
}

/** What a plugin builds per tenant. Only `lookup` is required. */
export interface CrmAdapter {
  /**
   * Every record that matched, best first, at most `limit` (default 10). `[]` means "not found";
   * throw a `CrmError` when the CRM could not tell.
   */
  lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]>;
  /** Credentials and reachability, for `santral-hub check`. Throws a `CrmError` on trouble. */
  check?(ctx: LookupContext): Promise<void>;
  /**
   * The web address where a person opens this record in the CRM: the link an agent clicks on the call
   * card. Core calls it off the answer path, with a 2 s time-out, for a contact `lookup` returned.
   * It may make one API call the first time (cache what it reads) and must honour `ctx.signal`.
   * Resolves to undefined for a record it cannot link, never throwing for one; throws a `CrmError` only
   * when the CRM failed.
   */
  recordUrl?(contact: Contact, ctx: LookupContext): Promise<string | undefined>;
  /**
   * Writes an ended call into the CRM's history (a Salesforce Task, a HubSpot call, a row), on the contact
   * core recognised; `contact` is null for a caller nobody recognised (the tenant chose to log those).
   * Core calls it off the answer path, from its durable outbox, and again after a failure: it must be
   * idempotent by `call.id` (an upsert by an external id, a unique key), so a call is one record however
   * often it runs, concurrent runs included. Throws a `CrmError` when the CRM refused or did not answer:
   * never resolves without having written (or found) the record. Must honour `ctx.signal`.
   */
  logCall?(call: CallLog, contact: Contact | null, ctx: LookupContext): Promise<LoggedCall>;
  /**
   * Creates a record for a caller nobody recognised (a Salesforce Lead, a HubSpot contact, a row), so that
   * their call can be logged on it when the tenant chose `callLog.unknown: create`. Core calls it once per
   * number (it keeps what was created, for the calls that come while the CRM is still indexing the new
   * record) and then `logCall` with what it returns. Throws a `CrmError` when the CRM refused.
   */
  createContact?(caller: Phone, ctx: LookupContext): Promise<Contact>;
  /** Release connections, timers and watchers. */
  close?(): Promise<void>;
  /**
   * For an adapter that answers from a copy of its data loaded into the hub (a file): which copy it
   * answers from now, and what an operator should know about it. Optional; see {@link AdapterData}.
   */
  data?(): AdapterData;
}

/** What an adapter that loads its data (a CSV file) tells the hub about the copy it answers from. */
export interface AdapterData {
  /**
   * Names the data answered from now: the same data gives the same version on every hub node, other data
   * another (a hash of the file, not a counter or a time). The hub makes it part of every cache key, so
   * once the data is replaced no answer given from the old copy, a cached "not found" above all, is
   * served again. Return the same object until the data changes: the hub reads it on every call.
   */
  version: string;
  /**
   * Plain sentences for `santral-hub check` and `explain`: rows skipped while loading and why, a reload
   * refused. Line numbers, counts and header names only, never a cell's content.
   */
  warnings: string[];
}

/**
 * A budget of requests per second, for a CRM that caps its API (HubSpot's search: a few a second per
 * account). Every adapter that names the same budget draws from it: in one process, and on every hub
 * node that shares the hub's Redis.
 */
export interface RateLimiter {
  /**
   * Resolves when the caller may send one request, taking a slot of the budget; waits while the budget
   * of the last second is spent. Rejects with `signal.reason` when the signal aborts first (or already
   * has), and then takes no slot.
   */
  acquire(signal: AbortSignal): Promise<void>;
}

export interface PluginContext {
  /** The tenant this adapter serves. */
  tenant: string;
  /** Directory of the tenant's config file: relative paths in plugin config resolve against it. */
  configDir: string;
  log: Logger;
  /**
   * The hub's shared rate limiter: at most `perSecond` acquisitions per second for `name`, across
   * tenants, adapters and (with Redis configured) hub nodes. Name the CRM account or credential the
   * limit belongs to, e.g. `hubspot:search:<account>`. When Redis is down it falls back to a limit per
   * process rather than block calls. Absent on an older hub or outside one (tests, tools): a plugin then
   * limits itself, per process.
   */
  rateLimiter?(name: string, perSecond: number): RateLimiter;
}

/** Where a lookup searches, for `santral-hub explain` on a caller who was not found. */
export interface SearchDescription {
  /** The columns, fields or properties searched, as the tenant's config names them: `telefon`, `Contact.Phone`. */
  fields: string[];
  /**
   * The kinds of record a lookup returns (`Contact`, `Lead`; `{ column }`: a column holds each record's kind),
   * for the match policy's `kind` resolver. Absent when the records have no kind to prefer one by.
   */
  kinds?: string[] | { column: string };
}

/** What a plugin cannot do; the conformance kit skips the matching tests with this reason. */
export interface Capabilities {
  customerNumber?: boolean;
  /** `false`: the CRM keeps no update or creation times, so the `updated` and `created` resolvers cannot decide. */
  timestamps?: boolean;
  /** `true`: the adapter has `recordUrl`, and the kit's record URL cases run for it. */
  recordUrl?: boolean;
  /** `true`: the adapter has `logCall` (given the config's write settings), and the kit's call log cases run. */
  callLog?: boolean;
  /** `true`: under the same settings it also has `createContact`, for callers nobody recognised. */
  createContact?: boolean;
}

export interface Plugin<S extends z.ZodType = z.ZodType> {
  name: string;
  contract: number;
  configSchema: S;
  capabilities: Capabilities;
  /** Build the adapter. Throw a `CrmError("bad_config", ...)` for config the schema cannot catch, before any I/O. */
  create(config: z.output<S>, ctx: PluginContext): CrmAdapter | Promise<CrmAdapter>;
  /** Optional: where a lookup `by` the phone or a customer number searches under this config (for `explain`). */
  describeSearch?(config: z.output<S>, by: "phone" | "customerNumber"): SearchDescription;
}

/** Declares a plugin; the config type of `create` is inferred from the zod schema. */
export function definePlugin<S extends z.ZodType>(plugin: {
  name: string;
  configSchema: S;
  capabilities?: Capabilities;
  create(config: z.output<S>, ctx: PluginContext): CrmAdapter | Promise<CrmAdapter>;
  describeSearch?(config: z.output<S>, by: "phone" | "customerNumber"): SearchDescription;
}): Plugin<S> {
  return { capabilities: {}, ...plugin, contract: SDK_CONTRACT_VERSION };
}
