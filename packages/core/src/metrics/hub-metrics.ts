import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CacheOutcome } from "../cache/lookup-cache.js";
import type { StepConfig } from "../tenants/types.js";

/** How a call was answered, as far as the CRM goes. `none`: nothing to look up (withheld, or a step without lookup). */
export type CallOutcome = "known" | "unknown" | "ambiguous" | "none" | "failed";

/** What the hub knows of a tenant after a (re)load: serving its file, serving its last good config, or not at all. */
export type TenantState = "live" | "kept" | "broken";

// Seconds. A caller hears silence while the hub works: the interesting range is a few ms to the deadline.
const ANSWER_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5];
const CRM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10];

interface TenantMeters {
  answer: Histogram.Internal<"tenant">;
  cache: Record<CacheOutcome, Counter.Internal>;
  deadline: Counter.Internal;
}

interface StepMeters {
  tenant: TenantMeters;
  calls: Partial<Record<CallOutcome, Counter.Internal>>;
  labels: [string, string];
}

/**
 * The hub's Prometheus metrics, in a registry of its own (tests run several hubs in one process). The call
 * path touches only label-bound children, made once per tenant and step and kept beside the step's config,
 * so a call costs a few increments and no label lookup.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly calls = this.counter("santral_calls_total", "calls answered, by tenant, step and outcome", [
    "tenant",
    "step",
    "outcome",
  ]);
  private readonly answer = new Histogram({
    name: "santral_answer_duration_seconds",
    help: "time from the request to the reply, by tenant",
    labelNames: ["tenant"],
    buckets: ANSWER_BUCKETS,
    registers: [this.registry],
  });
  private readonly cache = this.counter("santral_cache_total", "cache answers by tenant: hit, miss or stale", [
    "tenant",
    "outcome",
  ]);
  private readonly deadline = this.counter(
    "santral_deadline_fallbacks_total",
    "calls answered with the fallback because the CRM had not answered by the deadline",
    ["tenant"],
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
  private readonly limited = this.counter("santral_rate_limited_total", "calls refused with 429, by tenant", [
    "tenant",
  ]);
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
  private readonly steps = new WeakMap<StepConfig, StepMeters>();
  private readonly byTenant = new Map<string, TenantMeters>();
  private defaults = false;

  /** One answered call. `seconds` from the request's start; `deadline`: the fallback answered because of it. */
  call(
    tenant: string,
    step: StepConfig,
    outcome: CallOutcome,
    cache: CacheOutcome | undefined,
    deadline: boolean,
    seconds: number,
  ): void {
    let meters = this.steps.get(step);
    if (!meters) {
      meters = { tenant: this.tenantMeters(tenant), calls: {}, labels: [tenant, step.name] };
      this.steps.set(step, meters);
    }
    let calls = meters.calls[outcome];
    if (!calls) calls = meters.calls[outcome] = this.calls.labels(...meters.labels, outcome);
    calls.inc();
    meters.tenant.answer.observe(seconds);
    if (cache) meters.tenant.cache[cache].inc();
    if (deadline) meters.tenant.deadline.inc();
  }

  /** A request refused before it became a call (bad token, unknown tenant, malformed body, over the rate). */
  refusedRequest(code: string): void {
    this.refused.labels(code).inc();
  }

  /** A call refused because its tenant is over its rate limit (counted by `refusedRequest` too). */
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

  /** Node's own metrics (memory, CPU, event loop lag, GC): once, for the hub a process serves. */
  collectDefaults(): void {
    if (this.defaults) return;
    collectDefaultMetrics({ register: this.registry });
    this.defaults = true;
  }

  private tenantMeters(tenant: string): TenantMeters {
    let meters = this.byTenant.get(tenant);
    if (!meters) {
      meters = {
        answer: this.answer.labels(tenant),
        cache: {
          hit: this.cache.labels(tenant, "hit"),
          miss: this.cache.labels(tenant, "miss"),
          stale: this.cache.labels(tenant, "stale"),
        },
        deadline: this.deadline.labels(tenant),
      };
      this.byTenant.set(tenant, meters);
    }
    return meters;
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
