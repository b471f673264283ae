import { createHash } from "node:crypto";
import { type CallLog, type Contact, isCrmError, type Logger, type Phone } from "@santral-hub/sdk";
import type { AgentLinks } from "../agent/links.js";
import { DEFAULT_ZONE } from "../agent/recent.js";
import type { AgentRoutes } from "../agent/routes.js";
import type { CardBus } from "../agent/types.js";
import { cacheKey } from "../cache/key.js";
import type { LookupCache } from "../cache/lookup-cache.js";
import type { CallEvent, Decision } from "../call.js";
import { buildCard, type CardOptions } from "../calls/card.js";
import { type HistoryOptions, historyOf } from "../calls/history.js";
import type { Delivery } from "../calls/store.js";
import { CallTracker, eventKey, type TrackedCall } from "../calls/tracker.js";
import type { Card, PbxCallEvent, RoutedCall } from "../calls/types.js";
import type { LiveTenant, PreparedTenant } from "../hub/live-tenant.js";
import { type Found, lookupCaller } from "../lookup/lookup-caller.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";
import { DeliveryError, deliver } from "../notify/index.js";
import { type OutboxJob, PermanentFailure } from "../outbox/types.js";
import type { NotifyConfig } from "../tenants/after-schema.js";
import type { StepConfig } from "../tenants/types.js";
import type { FollowBackends } from "./backends.js";
import { routeReason } from "./reason.js";

/** An event as the outbox keeps it until it is taken. */
interface EventJob {
  event: PbxCallEvent;
}

/** A notification as the outbox keeps it: the body is fixed when queued, so every try sends the same. */
interface NotifyJob {
  /** The call's card id, under which `explain` finds the delivery. */
  card?: string;
  /** Which of the tenant's webhooks: a digest of its URL (the secret is read from the tenant at send time). */
  hook: string;
  event: string;
  key: string;
  body: string;
}

/** A call's record for the CRM's history, as queued; the handler prefers the call's latest facts. */
interface CallLogJob {
  card: string;
  log: CallLog;
  contact: Contact | null;
}

/** How long one write to the CRM may take before it counts as a failed try. */
const CALL_LOG_TIMEOUT_MS = 30_000;

export interface FollowOptions {
  backends: FollowBackends;
  links: AgentLinks;
  /** The tenant serving an id now (after a reload, the new one). */
  tenant: (id: string) => LiveTenant | undefined;
  cache: LookupCache;
  metrics: HubMetrics;
  log: Logger;
  windowMs: number;
  skewMs: number;
}

/**
 * A call's life after its answer (DESIGN.md "After the answer"): remembers each routing call the hub
 * answered, takes the PBX's call events through the durable outbox, correlates them with their call,
 * builds the card and sends it to the agents' pages and, signed, to the tenant's webhooks. Nothing here runs
 * on the answer path: `remember` returns at once, and an event is acknowledged once it is in the outbox.
 */
export class CallFollow {
  readonly tracker: CallTracker;
  readonly bus: CardBus;
  readonly links: AgentLinks;
  /** The agents' pages, once the server mounted them: their event streams end at shutdown. */
  pages: AgentRoutes | undefined;
  private readonly options: FollowOptions;

  constructor(options: FollowOptions) {
    this.options = options;
    const { backends, log } = options;
    this.tracker = new CallTracker({ store: backends.calls, windowMs: options.windowMs, skewMs: options.skewMs, log });
    this.bus = backends.bus;
    this.links = options.links;
  }

  /**
   * Takes jobs from the outbox: once the tenants have loaded, so the jobs the last run left find theirs
   * (events are taken into the outbox from the start).
   */
  start(): void {
    const { outbox } = this.options.backends;
    outbox.work("event", (job) => this.takeEvent(job as OutboxJob<EventJob>), { concurrency: 8 });
    outbox.work("notify", (job) => this.sendNotification(job as OutboxJob<NotifyJob>), { concurrency: 16 });
    // few at once: a backlog drains steadily beside the calls, never ahead of them
    outbox.work("calllog", (job) => this.writeCallLog(job as OutboxJob<CallLogJob>), { concurrency: 2 });
  }

  get outbox() {
    return this.options.backends.outbox;
  }

  /**
   * Remembers a routing call the hub answered, for the events that follow it; returns at once (the store
   * is written after the reply). A failure is logged: the call's events then find it by caller, or look the
   * caller up once.
   */
  remember(
    tenant: PreparedTenant,
    call: CallEvent,
    at: { step: StepConfig; rule: number | "fallback"; decision: Decision; found: Found; time: number },
  ): void {
    const { config } = tenant;
    const routed: RoutedCall = {
      tenant: config.id,
      callId: call.callId,
      caller: call.caller?.e164 ?? null,
      at: at.time,
      step: at.step.name,
      rule: at.rule,
      result: at.decision.result,
      reason: routeReason(at.step, at.rule, at.found),
    };
    if (call.called) routed.called = call.called;
    if (at.decision.redirect) routed.redirect = at.decision.redirect;
    if (at.found.contact) routed.contact = at.found.contact;
    this.tracker.remember(routed).catch((error: Error) => {
      this.options.log.warn(
        { tenant: config.id, callId: call.callId, err: error.message },
        "could not remember a routed call",
      );
    });
  }

  /**
   * Queues a webhook delivery's events durably; resolves once every one is stored (then the PBX may be
   * answered 200). The same event delivered again is queued once.
   */
  async receive(tenant: PreparedTenant, events: PbxCallEvent[]): Promise<void> {
    const id = tenant.config.id;
    await Promise.all(
      events.map(async (event) => {
        const key = eventKey(event);
        const payload: EventJob = { event: { ...event, key } };
        const added = await this.outbox.add({ id: `event:${id}:${key}`, kind: "event", tenant: id, payload });
        if (added) this.options.metrics.event(id, event.kind);
        else this.options.metrics.eventCorrelated(id, "duplicate");
      }),
    );
  }

  /** One event out of the outbox: correlated, its card built, sent to the agents and queued for the webhooks. */
  private async takeEvent(job: OutboxJob<EventJob>): Promise<void> {
    const tenant = this.live(job.tenant);
    const { event } = job.payload;
    const { metrics } = this.options;
    const taken = await this.tracker.take(job.tenant, event, { lookup: (phone) => this.lookUp(tenant, phone) });
    let call: TrackedCall | undefined;
    let fresh = true;
    if (taken.duplicate) {
      // taken on an earlier try of this job, which then failed: queue its notifications again (they are
      // idempotent by id), but ring no agent twice
      fresh = false;
      call = await this.findCall(job.tenant, event);
    } else {
      metrics.eventCorrelated(job.tenant, taken.match);
      call = taken.call;
      if (taken.late) fresh = false;
    }
    if (!call) return;
    const card = await buildCard(call, event, this.cardOptions(tenant));
    if (fresh) {
      await this.bus.publish(job.tenant, card).catch((error: Error) => {
        this.options.log.warn(
          { tenant: job.tenant, card: card.id, err: error.message },
          "agent page: card not published",
        );
      });
    }
    await Promise.all(
      tenant.config.notify
        .filter((hook) => hook.events.includes(event.kind as NotifyConfig["events"][number]))
        .map((hook) => this.queueNotification(job.tenant, hook, event, card)),
    );
    if (event.kind === "ended") await this.queueCallLog(tenant, call);
  }

  /** One record per call in the CRM's history, whichever of its ends came first (the job's id is the call's). */
  private async queueCallLog(tenant: LiveTenant, call: TrackedCall): Promise<void> {
    const settings = tenant.config.callLog;
    const history = this.historyOptions(tenant);
    if (!settings || !history) return;
    const log = historyOf(call, history);
    if (!call.contact && (settings.unknown === "skip" || !log.caller)) return;
    const payload: CallLogJob = { card: call.cardId, log, contact: call.contact ?? null };
    const id = `calllog:${tenant.config.id}:${call.cardId}`;
    await this.outbox.add({ id, kind: "calllog", tenant: tenant.config.id, payload, delayMs: settings.settle });
  }

  /** Writes a call into the CRM's history through the tenant's plugin; a failure is retried with back-off. */
  private async writeCallLog(job: OutboxJob<CallLogJob>): Promise<void> {
    const tenant = this.live(job.tenant);
    const { adapter, plugin } = tenant;
    const history = this.historyOptions(tenant);
    if (!history || !adapter.logCall) throw new PermanentFailure("the tenant's file no longer has callLog");
    // the call's latest facts, where it is still kept: an end that came after this job was queued counts
    const latest = await this.tracker.get(job.tenant, job.payload.card).catch(() => undefined);
    const log = latest ? historyOf(latest, history) : job.payload.log;
    let contact = latest?.contact ?? job.payload.contact;
    const { metrics } = this.options;
    const noted = (outcome: Delivery["outcome"], detail: string) => {
      const delivery: Delivery = {
        target: `crm (${plugin.name})`,
        what: "call log",
        outcome,
        attempt: job.attempts + 1,
        at: Date.now(),
        detail,
      };
      this.tracker.delivered(job.tenant, job.payload.card, delivery).catch((error: Error) => {
        this.options.log.warn(
          { tenant: job.tenant, card: job.payload.card, err: error.message },
          "could not note a delivery",
        );
      });
    };
    try {
      const signal = AbortSignal.timeout(CALL_LOG_TIMEOUT_MS);
      if (!contact && log.caller && tenant.config.callLog?.unknown === "create") {
        contact = await this.contactFor(tenant, log.caller, signal);
      }
      const written = await adapter.logCall(log, contact, { signal, log: this.options.log });
      metrics.callLog(job.tenant, "written");
      const link = written.url ? ` ${written.url}` : "";
      noted("sent", `record ${written.id}${link}${written.created ? "" : " (written before)"}`);
    } catch (error) {
      // a statement or field the CRM refuses will not pass on a retry: dead at once, for an operator
      const permanent = error instanceof PermanentFailure || (isCrmError(error) && error.kind === "bad_config");
      const message = error instanceof Error ? error.message : String(error);
      metrics.callLog(job.tenant, permanent ? "failed" : "retried");
      noted(permanent ? "failed" : "retrying", message);
      throw permanent ? new PermanentFailure(message) : error;
    }
  }

  /**
   * The record a new caller's calls are written on: the one created for their number before (kept 4 hours,
   * for the calls that come while the CRM is still indexing it), else one the CRM has by now, else a new
   * one, created by one node at a time.
   */
  private async contactFor(tenant: LiveTenant, caller: Phone, signal: AbortSignal): Promise<Contact> {
    const { store } = this.tracker;
    const id = tenant.config.id;
    // the store binds a key to a value once: here the number to the record made for it
    const key = `created:${caller.e164}`;
    const made = await store.findId(id, [key]);
    if (made) return JSON.parse(made) as Contact;
    const known = await this.lookUp(tenant, caller);
    if (known) return known;
    const create = tenant.adapter.createContact;
    if (!create) throw new PermanentFailure("the tenant's plugin no longer creates records");
    const lock = `creating:${caller.e164}`;
    if (!(await store.claim(id, lock, 60_000))) throw new Error("another try is creating this caller's record");
    try {
      const created = await create.call(tenant.adapter, caller, { signal, log: this.options.log });
      return JSON.parse(await store.bindId(id, key, JSON.stringify(created), { durable: true })) as Contact;
    } finally {
      await store.release(id, lock);
    }
  }

  private historyOptions(tenant: LiveTenant): HistoryOptions | undefined {
    if (!tenant.callLog) return undefined;
    const { config } = tenant;
    return { ...tenant.callLog, region: config.region, timeZone: config.timezone ?? DEFAULT_ZONE };
  }

  private async findCall(tenant: string, event: PbxCallEvent): Promise<TrackedCall | undefined> {
    for (const id of event.ids) {
      const call = await this.tracker.find(tenant, id);
      if (call) return call;
    }
    return undefined;
  }

  private async queueNotification(tenant: string, hook: NotifyConfig, event: PbxCallEvent, card: Card): Promise<void> {
    const hookId = hookIdOf(hook);
    const key = `${card.id}.${event.key}`;
    const body = JSON.stringify({
      id: key,
      type: `call.${event.kind}`,
      tenant,
      createdAt: new Date().toISOString(),
      event: { kind: event.kind, scenario: event.scenario, at: new Date(event.at).toISOString() },
      card,
    });
    const payload: NotifyJob = { card: card.id, hook: hookId, event: `call.${event.kind}`, key, body };
    await this.outbox.add({ id: `notify:${tenant}:${hookId}:${key}`, kind: "notify", tenant, payload });
  }

  /** One delivery to a tenant's webhook; a failure is retried by the outbox with back-off. */
  private async sendNotification(job: OutboxJob<NotifyJob>): Promise<void> {
    const tenant = this.live(job.tenant);
    const { metrics } = this.options;
    const hook = tenant.config.notify.find((h) => hookIdOf(h) === job.payload.hook);
    if (!hook) throw new PermanentFailure("the tenant's file no longer lists this webhook");
    const { body, key, event, card } = job.payload;
    const noted = (outcome: Delivery["outcome"], detail?: string) => {
      if (!card) return;
      const delivery: Delivery = {
        target: withoutQuery(hook.url),
        what: event,
        outcome,
        attempt: job.attempts + 1,
        at: Date.now(),
      };
      if (detail) delivery.detail = detail;
      this.tracker.delivered(job.tenant, card, delivery).catch((error: Error) => {
        this.options.log.warn({ tenant: job.tenant, card, err: error.message }, "could not note a delivery");
      });
    };
    try {
      await deliver(
        { url: hook.url, secret: hook.secret, timeoutMs: hook.timeout },
        { body, idempotencyKey: key, event },
      );
      metrics.notification(job.tenant, "sent");
      noted("sent");
    } catch (error) {
      const permanent = error instanceof DeliveryError && !error.retryable;
      metrics.notification(job.tenant, permanent ? "failed" : "retried");
      noted(permanent ? "failed" : "retrying", (error as Error).message);
      throw permanent ? new PermanentFailure((error as Error).message) : error;
    }
  }

  private live(id: string): LiveTenant {
    const tenant = this.options.tenant(id);
    // retried, not dropped: a tenant file being fixed or reloaded is back within the outbox's patience
    if (!tenant) throw new Error(`no tenant "${id}" on this hub now`);
    return tenant;
  }

  /** The card's link and display, as the tenant's plugin and file give them. */
  cardOptions(tenant: LiveTenant): CardOptions {
    const { adapter, config } = tenant;
    const options: CardOptions = { region: config.region };
    if (adapter.recordUrl) {
      options.recordUrl = (contact, ctx) =>
        adapter.recordUrl?.(contact, { signal: ctx.signal, log: this.options.log }) ?? Promise.resolve(undefined);
    }
    if (tenant.cardLink) options.link = tenant.cardLink;
    return options;
  }

  /** The caller of a call that never passed a routing step, looked up once (through the cache). */
  private async lookUp(tenant: LiveTenant, phone: Phone): Promise<Contact | null> {
    const { config } = tenant;
    const query = { phone };
    const found = await lookupCaller(tenant.adapter, query, {
      policy: tenant.policy,
      region: config.region,
      deadlineMs: 5000,
      limitMs: config.cache.lookupLimitMs,
      cache: { lookup: this.options.cache, key: cacheKey(config.id, tenant.cacheHash, query), ttls: config.cache },
      log: this.options.log,
      tenant: config.id,
    });
    if (found.failed) throw new Error(`the CRM could not tell (${found.error?.kind ?? "error"})`);
    return found.contact;
  }

  async close(): Promise<void> {
    this.pages?.close();
    await this.options.backends.close();
  }
}

/** A webhook's URL as `explain` shows it: its query may hold a token. */
function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** A webhook's id in the outbox: its URL's digest, so a queued delivery finds it again after a reload. */
function hookIdOf(hook: NotifyConfig): string {
  return createHash("sha256").update(hook.url).digest("hex").slice(0, 16);
}
