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
} from "@santral-hub/sdk";
import type { Connection } from "jsforce";
import { checkMappings } from "./check.js";
import type { Limiter } from "./limiter.js";
import { PLUGIN_NAME } from "./name.js";
import { OwnerDirectory } from "./owners.js";
import type { ObjectPlan, Plan } from "./plan.js";
import { type SfRecord, toContact, type Users } from "./record.js";
import { lightningPath, onInstance } from "./record-url.js";
import type { SalesforceConfig } from "./schema.js";
import type { Session } from "./session.js";
import { customerNumberQuery, usersQuery } from "./soql.js";
import { phoneSearch } from "./sosl.js";
import { type CallLogConfig, createLead, findOrCreateTask, taskOf, upsertTask } from "./task.js";

export interface AdapterOptions {
  config: SalesforceConfig;
  plan: Plan;
  session: Session;
  limiter: Limiter;
  release: () => void;
}

interface Hit {
  record: SfRecord;
  plan: ObjectPlan;
}

/** One SOSL search per phone lookup, one SOQL query per customer number, on a shared signed-in session. */
export class SalesforceAdapter implements CrmAdapter {
  private readonly owners = new OwnerDirectory();
  private closed = false;
  /** Writes under way in this process, by call: a second write of a call waits for the first. */
  private readonly writing = new Map<string, Promise<LoggedCall>>();
  /** Present when the tenant's config has `callLog`: each ended call becomes a Task. */
  readonly logCall?: (call: CallLog, contact: Contact | null, ctx: LookupContext) => Promise<LoggedCall>;

  constructor(private readonly o: AdapterOptions) {
    const settings = o.config.callLog;
    if (settings) this.logCall = (call, contact, ctx) => this.writeTask(settings, call, contact, ctx);
    // a Lead made for a new caller must be one the phone search reads, or their next call would make another
    if (settings && o.plan.objects.some((p) => p.object === "Lead")) {
      this.createContact = async (caller, ctx) => {
        ctx.signal.throwIfAborted();
        const made = this.o.limiter.run(
          ctx.signal,
          () => this.o.session.call("write", (conn) => createLead(conn, caller, settings)),
          { background: true },
        );
        return untilAborted(made, ctx.signal);
      };
    }
  }

  /** Present with `callLog` when Lead is among the objects searched: a Lead for a caller nobody recognised. */
  readonly createContact?: (caller: Phone, ctx: LookupContext) => Promise<Contact>;

  async lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]> {
    ctx.signal.throwIfAborted();
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    // jsforce takes no AbortSignal: an aborted lookup rejects at once and its request is left to finish
    // (within requestTimeout) and dropped; it keeps its concurrency slot until then, so the org's limit holds
    return untilAborted(
      this.o.limiter.run(ctx.signal, () => this.find(query, ctx.signal, ctx.log)),
      ctx.signal,
    );
  }

  /** Signs in, then describes every mapped object and checks each mapped field exists (`santral-hub check`). */
  async check(ctx: LookupContext): Promise<void> {
    ctx.signal.throwIfAborted();
    await untilAborted(checkMappings(this.o.session, this.o.plan), ctx.signal);
  }

  /**
   * The record's Lightning page, for a contact of one of the tenant's objects. Needs no request: the
   * instance URL comes with the session (a sign-in only when none is live yet).
   */
  async recordUrl(contact: Contact, ctx: LookupContext): Promise<string | undefined> {
    ctx.signal.throwIfAborted();
    const kind = contact.kind?.toLowerCase();
    const known = contact.source === PLUGIN_NAME && this.o.plan.objects.some((p) => p.object.toLowerCase() === kind);
    const path = known ? lightningPath(contact.kind, contact.id) : undefined;
    if (path === undefined) return undefined;
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    return onInstance(await untilAborted(this.o.session.instanceUrl(), ctx.signal), path);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.o.release();
  }

  /** One Task per call; it waits behind every lookup for the org's concurrency (a backlog never slows a caller). */
  private async writeTask(
    settings: CallLogConfig,
    call: CallLog,
    contact: Contact | null,
    ctx: LookupContext,
  ): Promise<LoggedCall> {
    ctx.signal.throwIfAborted();
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    const before = this.writing.get(call.id);
    const write = (async (): Promise<LoggedCall> => {
      await before?.catch(() => {});
      const task = taskOf(call, contact, settings);
      const { externalId } = settings;
      const written = await this.o.limiter.run(
        ctx.signal,
        () =>
          this.o.session.call("write", (conn) =>
            externalId ? upsertTask(conn, externalId, call, task) : findOrCreateTask(conn, call, task),
          ),
        { background: true },
      );
      const url = onInstance(await this.o.session.instanceUrl(), lightningPath("Task", written.id) ?? "");
      return { ...written, url };
    })();
    this.writing.set(call.id, write);
    void write
      .finally(() => {
        if (this.writing.get(call.id) === write) this.writing.delete(call.id);
      })
      .catch(() => {});
    return untilAborted(write, ctx.signal);
  }

  private async find(query: LookupQuery, signal: AbortSignal, log: Logger): Promise<Contact[]> {
    const hits: Hit[] = [];
    if (query.phone) hits.push(...(await this.search(query.phone)));
    const typed = query.customerNumber?.trim();
    if (typed && this.o.config.customerNumber) {
      signal.throwIfAborted();
      hits.push(...(await this.byCustomerNumber(typed)));
    }
    if (hits.length === 0) return [];
    signal.throwIfAborted();
    const users = await this.ownersOf(hits, log);
    // the tenant's order of objects is its order of preference; within one object, Salesforce's relevance
    const rank = (h: Hit) => this.o.plan.objects.indexOf(h.plan);
    const seen = new Set<string>();
    return hits
      .map((h, i) => ({ h, i }))
      .sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i)
      .map(({ h }) => toContact(h.record, h.plan, users))
      .filter((c) => c.id !== "" && !seen.has(c.id) && seen.add(c.id))
      .slice(0, this.o.config.limit);
  }

  private async search(phone: Phone): Promise<Hit[]> {
    const terms = phone.variants.length > 0 ? phone.variants : [phone.e164];
    const sosl = phoneSearch(terms, this.o.plan.objects, this.o.config.limit);
    if (sosl === undefined) return [];
    const result = await this.o.session.call("search", (conn) => conn.search(sosl));
    return (result.searchRecords ?? []).flatMap((record) => this.hit(record as SfRecord));
  }

  private async byCustomerNumber(typed: string): Promise<Hit[]> {
    const { object, field } = this.o.config.customerNumber ?? { object: "", field: "" };
    const plan = this.o.plan.objects.find((p) => p.object.toLowerCase() === object.toLowerCase());
    if (!plan) return [];
    const soql = customerNumberQuery(plan, field, typed, this.o.config.limit);
    const records = await this.o.session.call("query", (conn) => queryRecords(conn, soql));
    return records.map((record) => ({ record, plan }));
  }

  private hit(record: SfRecord): Hit[] {
    const type = record.attributes?.type?.toLowerCase();
    const plan = this.o.plan.objects.find((p) => p.object.toLowerCase() === type);
    return plan ? [{ record, plan }] : [];
  }

  /**
   * The User fields behind `Owner.X` paths, for the owners of these records only. The caller is found
   * already: when the owners' query fails the contacts go without those fields (no extension to route
   * to) rather than the caller getting the fallback; the next lookup asks again.
   */
  private async ownersOf(hits: Hit[], log: Logger): Promise<Users> {
    const fields = this.o.plan.userFields;
    if (fields.length === 0) return new Map();
    const ids = hits.map((h) => h.record.OwnerId).filter((id): id is string => typeof id === "string");
    if (ids.length === 0) return new Map();
    try {
      return await this.owners.users(ids, (missing) =>
        this.o.session.call("users", (conn) => queryRecords(conn, usersQuery(fields, missing))),
      );
    } catch (error) {
      const kind = error instanceof CrmError ? error.kind : "unavailable";
      const reason = error instanceof CrmError ? error.message : "the owners' query failed";
      log.warn(
        { plugin: PLUGIN_NAME, stage: "users", kind, reason, owners: ids.length },
        "salesforce: the owners' User fields could not be read; answering without them",
      );
      return new Map();
    }
  }
}

async function queryRecords(conn: Connection, soql: string): Promise<SfRecord[]> {
  const result = await conn.query(soql);
  return result.records as SfRecord[];
}

/** Settles with `work`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
