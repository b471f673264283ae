import {
  type CallLog,
  type Contact,
  type CrmAdapter,
  CrmError,
  type LoggedCall,
  type LookupContext,
  type LookupQuery,
  type Phone,
  phoneShapes,
} from "@santral-hub/sdk";
import type { Found, HubSpotApi, SearchBody } from "./api.js";
import { associatedType, type CallLogConfig, callProperties } from "./calls.js";
import { ownerIds, toContact } from "./map.js";
import { PLUGIN_NAME } from "./name.js";
import type { ObjectConfig } from "./objects.js";
import type { OwnerNames } from "./owners.js";
import { type AccountDetails, recordPage } from "./record-url.js";
import { type RequestOptions, send } from "./request.js";
import type { HubSpotConfig } from "./schema.js";
import { customerNumberSearch, phoneSearch } from "./search.js";

/** The number `check` searches for: no subscriber has it, so the search runs and finds nobody. */
const NOBODY = { e164: "+900000000000", national: "0000000000" };
const DUMMY: Phone = { ...NOBODY, variants: phoneShapes(NOBODY) };

type Hit = { found: Found; o: ObjectConfig };

export interface HubSpotAdapterOptions {
  config: HubSpotConfig;
  api: HubSpotApi;
  request: RequestOptions;
  owners: OwnerNames;
  account: AccountDetails;
}

/** Searches the tenant's objects in order per lookup, and maps the results to contacts. */
export class HubSpotAdapter implements CrmAdapter {
  private closed = false;
  /** Present when the tenant's config has `callLog`: each ended call becomes a call engagement. */
  readonly logCall?: (call: CallLog, contact: Contact | null, ctx: LookupContext) => Promise<LoggedCall>;

  constructor(private readonly o: HubSpotAdapterOptions) {
    const settings = o.config.callLog;
    if (settings) this.logCall = (call, contact, ctx) => this.writeCall(settings, call, contact, ctx);
    // a contact made for a new caller must be one the phone search reads, or their next call would make another
    const contacts = o.config.objects.find((c) => c.type === "contacts");
    if (settings && contacts) this.createContact = (caller, ctx) => this.newContact(contacts, caller, ctx);
  }

  /** Present with `callLog` when contacts are searched: a contact for a caller nobody recognised. */
  readonly createContact?: (caller: Phone, ctx: LookupContext) => Promise<Contact>;

  /** A contact holding the new caller's number in `phone`, which HubSpot's calculated phone search reads. */
  private async newContact(o: ObjectConfig, caller: Phone, ctx: LookupContext): Promise<Contact> {
    ctx.signal.throwIfAborted();
    const { api, request } = this.o;
    const phone = caller.e164;
    const id = await send(
      request,
      "new contact",
      "other",
      ctx.signal,
      (token, signal) => api.createContact({ phone }, token, signal),
      { background: true },
    );
    return { id, source: PLUGIN_NAME, kind: o.kind, phones: [phone], fields: {} };
  }

  async lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]> {
    ctx.signal.throwIfAborted();
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    const { config } = this.o;
    const hits: Hit[] = [];
    if (query.phone) {
      for (const o of config.objects) {
        hits.push(...(await this.search(o, phoneSearch(o, query.phone, config), ctx.signal)));
        // every search costs a slot of the account's few a second: stop at the first object that knows the caller
        if (hits.length > 0 && !config.searchAll) break;
      }
    }
    const typed = query.customerNumber?.trim();
    const by = config.customerNumber && config.objects.find((o) => o.type === config.customerNumber?.object);
    if (typed && by) hits.push(...(await this.search(by, customerNumberSearch(by, typed, config), ctx.signal)));
    const seen = new Set<string>();
    const kept = hits.filter((h) => !seen.has(`${h.o.type}:${h.found.id}`) && seen.add(`${h.o.type}:${h.found.id}`));
    const chosen = kept.slice(0, config.limit);
    const names =
      config.ownerNames && chosen.length > 0 ? await this.o.owners.names(ownerIds(chosen), ctx.signal) : new Map();
    return chosen.map((h) => toContact(h.found, h.o, config, names));
  }

  /**
   * For `santral-hub check`: the token is accepted and holds the scopes the config needs (where HubSpot
   * says which it holds), and each object's search runs with the mapped properties.
   */
  async check(ctx: LookupContext): Promise<void> {
    const { config, api, request } = this.o;
    const granted = await send(request, "token scopes", "other", ctx.signal, (token, signal) =>
      api.scopes(token, request.auth.type, signal),
    );
    if (granted) {
      const missing = requiredScopes(config).filter((scope) => !hasScope(granted, scope));
      if (missing.length > 0) {
        throw new CrmError(
          "auth",
          PLUGIN_NAME,
          `the token lacks ${missing.join(", ")}: grant it to the app and renew the token`,
        );
      }
    }
    for (const o of config.objects) await this.search(o, phoneSearch(o, DUMMY, config), ctx.signal);
  }

  /**
   * The record's page in HubSpot, for a contact or company a lookup returned. The account's portal id and
   * domain are read the first time (one request of the `other` budget), then kept for the adapter's life.
   */
  async recordUrl(contact: Contact, ctx: LookupContext): Promise<string | undefined> {
    ctx.signal.throwIfAborted();
    const o = contact.source === PLUGIN_NAME ? this.o.config.objects.find((o) => o.kind === contact.kind) : undefined;
    if (!o || !/^\d+$/.test(contact.id)) return undefined;
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    return recordPage(await this.o.account.get(ctx.signal), o.type, contact.id);
  }

  /**
   * Upserts the call by the tenant's unique property, then associates it with the recognised record: both
   * idempotent, so a retry after either step leaves one call, associated once. Both draw from the
   * account's general budget, never from the searches' few a second that callers wait on, and from at
   * most half of it, behind every other request (owner names, token refreshes).
   */
  private async writeCall(
    settings: CallLogConfig,
    call: CallLog,
    contact: Contact | null,
    ctx: LookupContext,
  ): Promise<LoggedCall> {
    ctx.signal.throwIfAborted();
    if (this.closed) throw new CrmError("unavailable", PLUGIN_NAME, "the adapter is closed");
    const { api, request, config } = this.o;
    const properties = callProperties(call, settings);
    const background = { background: true };
    const written = await send(
      request,
      "call log",
      "other",
      ctx.signal,
      (token, signal) => api.upsertCall(settings.idProperty, call.id, properties, token, signal),
      background,
    );
    const type = associatedType(contact, config.objects);
    if (type && contact) {
      await send(
        request,
        "call association",
        "other",
        ctx.signal,
        (token, signal) => api.associateCall(written.id, type, contact.id, token, signal),
        background,
      );
    }
    return written; // a call has no page of its own: it shows on the record's timeline
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.o.api.close();
  }

  private async search(o: ObjectConfig, body: SearchBody, signal: AbortSignal): Promise<Hit[]> {
    const { api, request, config } = this.o;
    const found = await send(request, `search ${o.type}`, "search", signal, (token, s) =>
      api.search(o.type, body, token, s),
    );
    // HubSpot sorts already; sorting again keeps `pick` true should a page come back in another order
    const time = (f: Found) => (config.pick === "mostRecentlyUpdated" ? f.updatedAt : f.createdAt)?.getTime() ?? 0;
    const sign = config.pick === "oldestCreated" ? 1 : -1;
    return [...found].sort((a, b) => sign * (time(a) - time(b))).map((f) => ({ found: f, o }));
  }
}

/** The scopes the config needs (HubSpot's granular names). */
export function requiredScopes(config: HubSpotConfig): string[] {
  const scopes = config.objects.map((o) => `crm.objects.${o.type}.read`);
  if (config.ownerNames) scopes.push("crm.objects.owners.read");
  if (config.callLog) scopes.push("crm.objects.contacts.write");
  return scopes;
}

// apps created before granular scopes hold the legacy `contacts` scope, which reads contacts and companies
function hasScope(granted: string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  return granted.includes("contacts") && /^crm\.objects\.(contacts|companies)\.read$/.test(scope);
}
