import {
  type CallLog,
  type Contact,
  type CrmAdapter,
  CrmError,
  type LoggedCall,
  type Logger,
  type LookupContext,
  type LookupQuery,
  type Phone,
  phoneShapes,
} from "@santral-hub/sdk";
import type { Result } from "./drivers/types.js";
import { type ErrorContext, isConnectionLost, toCrmError } from "./errors.js";
import { PLUGIN_NAME } from "./name.js";
import type { Lease } from "./pools.js";
import { mapRow, resolveColumns } from "./row.js";
import type { SqlConfig } from "./schema.js";
import { bind, type Parameter, type ParsedQuery } from "./statement.js";

/** The number `check` asks for: no real subscriber has it, so it runs the query without finding anyone. */
const DUMMY = { e164: "+900000000000", national: "0000000000" };

type Where = "query" | "customerNumberQuery" | "callLog.createContact";

export interface SqlAdapterOptions {
  config: SqlConfig;
  phoneQuery: ParsedQuery;
  customerQuery: ParsedQuery | undefined;
  lease: Lease;
  /** The call log's INSERT and its own, writable database: set when the tenant enables `callLog`. */
  callLog?: { insert: ParsedQuery; lease: Lease; createContact?: ParsedQuery };
  errors: Omit<ErrorContext, "where">;
  log: Logger;
}

// A second INSERT of one call, where the tenant's statement has no ON CONFLICT or IGNORE: already written
const DUPLICATE: Record<string, (e: { code?: unknown; errno?: unknown }) => boolean> = {
  postgres: (e) => e.code === "23505",
  mysql: (e) => e.errno === 1062,
  sqlite: (e) => e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY",
};

/** Runs the tenant's query per lookup on the shared database, and maps the rows to contacts. */
export class SqlAdapter implements CrmAdapter {
  /** The mapping resolved against each query's result columns, per column list seen. */
  private readonly resolved = new Map<string, Map<string, string>>();

  /** Present when the tenant's config has `callLog`: core writes call logs only through an adapter that has it. */
  readonly logCall?: (call: CallLog, contact: Contact | null, ctx: LookupContext) => Promise<LoggedCall>;

  /** Present when the tenant's config has `callLog.createContact`: a record for a caller nobody recognised. */
  readonly createContact?: (caller: Phone, ctx: LookupContext) => Promise<Contact>;

  constructor(private readonly o: SqlAdapterOptions) {
    const writer = o.callLog;
    if (writer) this.logCall = (call, contact, ctx) => this.writeCall(writer, call, contact, ctx);
    const create = writer?.createContact;
    if (writer && create) this.createContact = (caller, ctx) => this.newContact(writer.lease, create, caller, ctx);
  }

  /** Inserts the tenant's record for a new caller; the row its RETURNING gives is mapped as a lookup's is. */
  private async newContact(lease: Lease, statement: ParsedQuery, caller: Phone, ctx: LookupContext): Promise<Contact> {
    ctx.signal.throwIfAborted();
    const where = "callLog.createContact";
    const { sql, values } = bind(statement, this.o.errors.dialect, { phone: caller.e164, national: caller.national });
    let result: Result;
    try {
      result = await lease.driver().run(sql, values, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw toCrmError(error, { ...this.o.errors, where });
    }
    const [row] = result.rows;
    if (!row) throw new CrmError("bad_config", PLUGIN_NAME, `${where} returned no row: end it with RETURNING *`);
    const names = this.columnsOf(where, result.columns);
    return mapRow(row, 0, this.o.config.columns, names, this.o.config.timeZone);
  }

  async lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]> {
    ctx.signal.throwIfAborted();
    const found: Contact[] = [];
    if (query.phone) found.push(...(await this.run("query", phoneValues(query.phone), ctx.signal)));
    const typed = query.customerNumber?.trim();
    if (typed && this.o.customerQuery) {
      found.push(...(await this.run("customerNumberQuery", { customerNumber: typed }, ctx.signal)));
    }
    // a record found by its phone and by its customer number is one candidate
    const seen = new Set<string>();
    return found.filter((c) => !seen.has(c.id) && seen.add(c.id)).slice(0, this.o.config.limit);
  }

  /** Runs each query once, with a number and a customer number nobody has, and checks the column mapping. */
  async check(ctx: LookupContext): Promise<void> {
    await this.run("query", phoneValues({ ...DUMMY, variants: phoneShapes(DUMMY) }), ctx.signal);
    if (this.o.customerQuery) await this.run("customerNumberQuery", { customerNumber: "0" }, ctx.signal);
  }

  /**
   * Inserts the call as a row of the tenant's table; the row's id is the call's id (the table's unique key),
   * so a second run finds the first: its INSERT skips the row (ON CONFLICT / IGNORE) or hits the key.
   */
  private async writeCall(
    writer: NonNullable<SqlAdapterOptions["callLog"]>,
    call: CallLog,
    contact: Contact | null,
    ctx: LookupContext,
  ): Promise<LoggedCall> {
    ctx.signal.throwIfAborted();
    const { dialect } = this.o.errors;
    const { sql, values } = bind(writer.insert, dialect, callValues(call, contact, dialect));
    try {
      const { changes } = await writer.lease.driver().run(sql, values, ctx.signal);
      return { id: call.id, created: changes > 0 };
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (DUPLICATE[dialect]?.(error as { code?: unknown })) return { id: call.id, created: false };
      throw toCrmError(error, { ...this.o.errors, where: "callLog.insert" });
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.o.lease.release(), this.o.callLog?.lease.release()]);
  }

  private async run(where: Where, values: Partial<Record<Parameter, string | string[]>>, signal: AbortSignal) {
    const parsed = where === "query" ? this.o.phoneQuery : this.o.customerQuery;
    if (!parsed) return [];
    const { sql, values: bound } = bind(parsed, this.o.errors.dialect, values);
    const result = await this.execute(where, sql, bound, signal);
    const names = this.columnsOf(where, result.columns);
    return result.rows.map((row, at) => mapRow(row, at, this.o.config.columns, names, this.o.config.timeZone));
  }

  /** One retry on a connection that died under the statement: a read is safe to repeat. */
  private async execute(where: Where, sql: string, values: (string | null)[], signal: AbortSignal): Promise<Result> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.driver().run(sql, values, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof CrmError) throw error;
        if (attempt === 1 && isConnectionLost(error, this.o.errors.dialect)) {
          const code = (error as { code?: unknown }).code;
          this.o.log.warn(
            { plugin: PLUGIN_NAME, driver: this.o.errors.dialect, code },
            "sql: connection lost, retrying",
          );
          continue;
        }
        throw toCrmError(error, { ...this.o.errors, where });
      }
    }
  }

  private driver() {
    try {
      return this.o.lease.driver();
    } catch (error) {
      throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed", { cause: error });
    }
  }

  /** A mapped column missing from the result would read as an empty field forever: refuse it, by name. */
  private columnsOf(where: Where, columns: string[]): Map<string, string> {
    const key = `${where}\0${columns.join("\0")}`;
    const known = this.resolved.get(key);
    if (known) return known;
    const { resolved, missing } = resolveColumns(columns, this.o.config.columns);
    if (missing.length > 0) {
      const names = missing.map((m) => `column "${m.column}" (${m.path})`).join(", ");
      const verb = missing.length > 1 ? "are" : "is";
      throw new CrmError(
        "bad_config",
        PLUGIN_NAME,
        `${names} ${verb} not in the result of ${where}; its columns are: ${columns.join(", ")}`,
      );
    }
    this.resolved.set(key, resolved);
    return resolved;
  }
}

/**
 * The call's facts as the INSERT's parameters: text, `answered` as 1 or 0, null where unknown; the start in
 * UTC as ISO 8601, or for MySQL as its DATETIME takes it (`2026-12-02 07:00:00.000`).
 */
function callValues(call: CallLog, contact: Contact | null, dialect: string): Record<string, string | null> {
  const text = (value: string | number | undefined) => (value === undefined ? null : String(value));
  return {
    callId: call.id,
    pbxId: call.pbxIds[0] ?? null,
    contactId: contact?.id ?? null,
    direction: call.direction,
    caller: call.caller?.e164 ?? null,
    called: text(call.called),
    startedAt: dialect === "mysql" ? call.startedAt.replace("T", " ").replace("Z", "") : call.startedAt,
    durationSec: String(call.durationSec),
    waitSec: text(call.waitSec),
    answered: call.answered ? "1" : "0",
    agentExtension: text(call.agent?.extension),
    agentName: text(call.agent?.name),
    queue: text(call.queue),
    routeResult: text(call.route?.result),
    routeRedirect: text(call.route?.redirect),
    routeReason: text(call.route?.reason),
    recordingUrl: text(call.recordingUrl),
    title: call.title,
    body: call.body,
  };
}

function phoneValues(phone: Phone): Partial<Record<Parameter, string | string[]>> {
  return {
    phone: phone.e164,
    national: phone.national,
    variants: phone.variants.length > 0 ? phone.variants : [phone.e164],
  };
}
