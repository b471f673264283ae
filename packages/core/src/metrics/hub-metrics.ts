import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CacheOutcome } from "../cache/lookup-cache.js";
import type { OutboxStats } from "../outbox/index.js";
import type { StepConfig } from "../tenants/types.js";
import { AnswerHistogram, type BucketCounts } from "./answer-times.js";

/**
 * How a call was answered, as far as the CRM goes. `none`: nothing to look up (withheld, or a step without
 * lookup); `throttled`: over the tenant's rate limit, answered the fallback without asking.
 */
export type CallOutcome = "known" | "unknown" | "ambiguous" | "none" | "failed" | "throttled" | "loading";

/** What the hub knows of a tenant after a (re)load: serving its file, serving its last good config, or not at all. */
export type TenantState = "live" | "kept" | "broken";

// Seconds. A caller hears silence while the hub works: the interesting range is a few ms to the deadline.
const ANSWER_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5];
const CRM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10];

const CALL_OUTCOMES: readonly CallOutcome[] = [
  "known",
  "unknown",
  "ambiguous",
  "none",
  "failed",
  "throttled",
  "loading",
];
const CACHE_OUTCOMES: readonly CacheOutcome[] = ["hit", "miss", "stale"];

/** A tenant's counts since the last scrape, in plain numbers; the scrape moves them into prom-client. */
interface TenantMeters {
  tenant: string;
  answer: BucketCounts;
  cache: Record<CacheOutcome, number>;
  deadline: number;
}

interface StepMeters {
  tenant: TenantMeters;
  step: string;
  calls: Record<CallOutcome, number>;
}

/**
 * The hub's Prometheus metrics, in a registry of its own (tests run several hubs in one process). A call
 * only adds to plain numbers kept per tenant and step (prom-client validates and hashes the labels on every
 * `inc`, a few µs a call); each scrape moves them into the counters (their `collect`), and the answer-time
 * histogram exports its own buckets.
 */
export class HubMetrics {
  readonly registry = new Registry();
  /** Every tenant and step counted, by labels: what a scrape reads. */
  private readonly stepMeters = new Map<string, StepMeters>();
  private readonly tenantMeters = new Map<string, TenantMeters>();
  private readonly calls = this.counter(
    "santral_calls_total",
    "calls answered, by tenant, step and outcome",
    ["tenant", "step", "outcome"],
    (counter) => {
      for (const meters of this.stepMeters.values()) {
        for (const outcome of CALL_OUTCOMES) {
          const n = meters.calls[outcome];
          if (n === 0) continue;
          counter.inc({ tenant: meters.tenant.tenant, step: meters.step, outcome }, n);
          meters.calls[outcome] = 0;
        }
      }
    },
  );
  private readonly answer = new AnswerHistogram(
    "santral_answer_duration_seconds",
    "time from the request to the reply, by tenant",
    ANSWER_BUCKETS,
  );
  private readonly cache = this.counter(
    "santral_cache_total",
    "cache answers by tenant: hit, miss or stale",
    ["tenant", "outcome"],
    (counter) => {
      for (const meters of this.tenantMeters.values()) {
        for (const outcome of CACHE_OUTCOMES) {
          const n = meters.cache[outcome];
          if (n === 0) continue;
          counter.inc({ tenant: meters.tenant, outcome }, n);
          meters.cache[outcome] = 0;
        }
      }
    },
  );
  private readonly deadline = this.counter(
    "santral_deadline_fallbacks_total",
    "calls answered with the fallback because the CRM had not answered by the deadline",
    ["tenant"],
    (counter) => {
      for (const meters of this.tenantMeters.values()) {
        if (meters.deadline === 0) continue;
        counter.inc({ tenant: meters.tenant }, meters.deadline);
        meters.deadline = 0;
      }
    },
  );
  private readonly crmDuration = new Histogram({
    name: "santral_crm_lookup_duration_seconds",
    help: "CRM lookups by adapter, including those finishing in the background",
    labelNames: ["adapter"],
    buckets: CRM_BUCKETS,
    registers: [this.registry],
  });
  private readonly crmErrors = this.counter("santral_crm_errors_total", "CRM lookups that could not tell", [
    "adapter",
    "kind",
  ]);
  private readonly refused = this.counter("santral_requests_refused_total", "requests refused, by error code", [
    "code",
  ]);
  private readonly limited = this.counter(
    "santral_rate_limited_total",
    "calls over the tenant's rate limit, answered the step's fallback without the CRM, by tenant",
    ["tenant"],
  );
  private readonly tenants = new Gauge({
    name: "santral_tenant_state",
    help: "1 for each tenant's state after the last reload: live, kept (broken file, last good config) or broken",
    labelNames: ["tenant", "state"],
    registers: [this.registry],
  });
  private readonly reloaded = new Gauge({
    name: "santral_config_last_reload_timestamp_seconds",
    help: "when the tenant files were last read",
    registers: [this.registry],
  });
  private readonly events = this.counter(
    "santral_events_total",
    "call events taken from the PBX's event webhook, by tenant and kind (ringing, answered, ended, ...)",
    ["tenant", "kind"],
  );
  private readonly correlated = this.counter(
    "santral_events_correlated_total",
    "call events by how they found their call: id, caller (number and time), new (no routing call), none, duplicate",
    ["tenant", "match"],
  );
  private readonly notifications = this.counter(
    "santral_notifications_total",
    "deliveries to the tenants' webhooks: sent, retried (a failed try, tried again later) or failed (dead)",
    ["tenant", "outcome"],
  );
  private readonly callLogs = this.counter(
    "santral_call_logs_total",
    "calls written into the CRMs' history: written, retried (a failed try, tried again later) or failed (dead)",
    ["tenant", "outcome"],
  );
  private outboxGauges: { queued: Gauge; dead: Gauge; oldest: Gauge; jobs: Gauge } | undefined;
  private defaults = false;

  constructor() {
    // prom-client's registry reads any metric through its `get()`; this one is not one of its classes
    this.registry.registerMetric(this.answer as unknown as Histogram);
  }

  /** One answered call. `seconds` from the request's start; `deadline`: the fallback answered because of it. */
  call(
    tenant: string,
    step: StepConfig,
    outcome: CallOutcome,
    cache: CacheOutcome | undefined,
    deadline: boolean,
    seconds: number,
  ): void {
    const meters = this.stepMetersOf(tenant, step);
    meters.calls[outcome]++;
    meters.tenant.answer.observe(seconds);
    if (cache) meters.tenant.cache[cache]++;
    if (deadline) meters.tenant.deadline++;
  }

  /** A request refused before it became a call (bad token, unknown tenant, malformed body, over the rate). */
  refusedRequest(code: string): void {
    this.refused.labels(code).inc();
  }

  /** A call over its tenant's rate limit, answered the fallback (counted by `call` too, as `throttled`). */
  rateLimited(tenant: string): void {
    this.limited.labels(tenant).inc();
  }

  /** One finished CRM lookup; `kind` when it could not tell. */
  crmLookup(adapter: string, seconds: number, kind?: string): void {
    this.crmDuration.labels(adapter).observe(seconds);
    if (kind) this.crmErrors.labels(adapter, kind).inc();
  }

  /** The state of every tenant after a reload; tenants no longer there drop out. */
  reload(states: Iterable<[string, TenantState]>, at: Date): void {
    this.tenants.reset();
    for (const [tenant, state] of states) this.tenants.labels(tenant, state).set(1);
    this.reloaded.set(at.getTime() / 1000);
  }

  /**
   * `santral_redis_up`, read at each scrape: 1 while the hub's Redis answers, 0 while calls skip it. Only
   * for a hub with Redis: a gauge at 0 on a hub without one would page someone for nothing.
   */
  watchRedis(up: () => boolean): void {
    if (this.registry.getSingleMetric("santral_redis_up")) return;
    const gauge: Gauge = new Gauge({
      name: "santral_redis_up",
      help: "1 while the hub's Redis answers; 0 while calls skip it (not answering, or a cluster node down)",
      registers: [this.registry],
      collect: () => gauge.set(up() ? 1 : 0),
    });
  }

  /** A call event read from the PBX's webhook and queued. */
  event(tenant: string, kind: string): void {
    this.events.labels(tenant, kind).inc();
  }

  /** How a taken event found its call. */
  eventCorrelated(tenant: string, match: "id" | "caller" | "new" | "none" | "duplicate"): void {
    this.correlated.labels(tenant, match).inc();
  }

  notification(tenant: string, outcome: "sent" | "retried" | "failed"): void {
    this.notifications.labels(tenant, outcome).inc();
  }

  callLog(tenant: string, outcome: "written" | "retried" | "failed"): void {
    this.callLogs.labels(tenant, outcome).inc();
  }

  /**
   * The outbox per tenant, read at each scrape: jobs waiting (new or retrying), dead, and the oldest waiting
   * one's age; stale figures are kept when the outbox cannot tell.
   */
  watchOutbox(stats: () => Promise<OutboxStats[]>): void {
    if (this.outboxGauges) return;
    let last: Awaited<ReturnType<typeof stats>> = [];
    let reading: Promise<typeof last> | undefined;
    // one read per scrape: prom-client collects the three gauges at once
    const read = () => {
      reading ??= stats()
        .then(
          (rows) => (last = rows),
          () => last,
        )
        .finally(() => {
          reading = undefined;
        });
      return reading;
    };
    const gauge = (name: string, help: string, value: (s: (typeof last)[number]) => number): Gauge => {
      const g: Gauge = new Gauge({
        name,
        help,
        labelNames: ["tenant"],
        registers: [this.registry],
        collect: async () => {
          g.reset();
          for (const row of await read()) g.labels(row.tenant).set(value(row));
        },
      });
      return g;
    };
    this.outboxGauges = {
      queued: gauge(
        "santral_outbox_queued",
        "outbox jobs waiting to run or to be retried, by tenant",
        (r) => r.queued + r.retrying,
      ),
      dead: gauge(
        "santral_outbox_dead",
        "outbox jobs given up on, kept for an operator (santral-hub outbox)",
        (r) => r.dead,
      ),
      oldest: gauge(
        "santral_outbox_oldest_seconds",
        "age of the oldest waiting outbox job, by tenant",
        (r) => r.oldestAgeMs / 1000,
      ),
      jobs: new Gauge({
        name: "santral_outbox_jobs",
        help: "outbox jobs by tenant, kind (event, notify, calllog) and state (queued, retrying, dead)",
        labelNames: ["tenant", "kind", "state"],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const row of await read()) {
            for (const [kind, counts] of Object.entries(row.kinds)) {
              for (const state of ["queued", "retrying", "dead"] as const) {
                this.labels(row.tenant, kind, state).set(counts[state]);
              }
            }
          }
        },
      }),
    };
  }

  /** Node's own metrics (memory, CPU, event loop lag, GC): once, for the hub a process serves. */
  collectDefaults(): void {
    if (this.defaults) return;
    collectDefaultMetrics({ register: this.registry });
    this.defaults = true;
  }

  private stepMetersOf(tenant: string, step: StepConfig): StepMeters {
    const key = `${tenant}\0${step.name}`;
    let meters = this.stepMeters.get(key);
    if (!meters) {
      const calls = { known: 0, unknown: 0, ambiguous: 0, none: 0, failed: 0, throttled: 0, loading: 0 };
      meters = { tenant: this.tenantMetersOf(tenant), step: step.name, calls };
      this.stepMeters.set(key, meters);
    }
    return meters; // by name: a reloaded tenant's new step config counts on in the same meters
  }

  private tenantMetersOf(tenant: string): TenantMeters {
    let meters = this.tenantMeters.get(tenant);
    if (!meters) {
      meters = { tenant, answer: this.answer.tenant(tenant), cache: { hit: 0, miss: 0, stale: 0 }, deadline: 0 };
      this.tenantMeters.set(tenant, meters);
    }
    return meters;
  }

  private counter<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect?: (counter: Counter<L>) => void,
  ): Counter<L> {
    const counter: Counter<L> = new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect ? { collect: () => collect(counter) } : {}),
    });
    return counter;
  }
}
