import { AgentLinks } from "../agent/links.js";
import { DEFAULT_ZONE } from "../agent/recent.js";
import { createCache } from "../cache/create.js";
import type { LookupCache } from "../cache/lookup-cache.js";
import { purgeAnswers } from "../cache/purge.js";
import { DEFAULT_DIALECT, DIALECTS, type Dialect } from "../dialects/index.js";
import { openFollowBackends } from "../follow/backends.js";
import { CallFollow } from "../follow/follow.js";
import type { Fields } from "../inbound/fields.js";
import { createLimiters, type Limiters } from "../limits/limiters.js";
import type { HubLogger } from "../log.js";
import { HubMetrics } from "../metrics/hub-metrics.js";
import { instrumentAdapter } from "../metrics/instrument.js";
import { normaliseDid } from "../tenants/did.js";
import type { Env } from "../tenants/env.js";
import type { ConfigError } from "../tenants/errors.js";
import { tokenMatches } from "../tenants/token.js";
import type { StepConfig } from "../tenants/types.js";
import { CallRates } from "./call-rate.js";
import type { HubConfig } from "./config.js";
import { type LiveTenant, type LoadingTenant, type PreparedTenant, startTenant } from "./live-tenant.js";
import { logReload, type ReloadReport, reloadTenants } from "./reload.js";
import { Retiring } from "./retire.js";
import { tenantError } from "./tenant-errors.js";

/** The call's life after the answer, on the backends hub.yaml names. */
async function startFollow(hub: Hub, log: HubLogger): Promise<CallFollow> {
  const { config } = hub;
  const timeZone = (id: string) => hub.tenant(id)?.config.timezone ?? DEFAULT_ZONE;
  const backends = await openFollowBackends(config, log, timeZone);
  const links = new AgentLinks(backends.agents, { sessionTtl: config.agent.sessionTtl });
  const follow = new CallFollow({
    backends,
    links,
    tenant: (id) => hub.tenant(id),
    cache: hub.cache,
    metrics: hub.metrics,
    log,
    windowMs: config.events.window,
    skewMs: config.events.skew,
  });
  hub.metrics.watchOutbox(() => backends.outbox.stats());
  return follow;
}

/** The tenant a call reaches: one serving calls, or one whose plugin is still starting. */
export type CalledTenant = LiveTenant | LoadingTenant;

export interface HubOptions {
  config: HubConfig;
  log: HubLogger;
  env?: NodeJS.ProcessEnv;
  /** The clock for time windows; tests pin it. */
  now?: () => Date;
  /** Where plugin packages are resolved from, besides each tenant file's directory. */
  resolveFrom?: string[];
  /**
   * Follow each call after its answer (events, cards, agents' pages, webhooks; see `CallFollow`): for the
   * hub a server runs, not for one a CLI command starts to answer a single call. Default false.
   */
  follow?: boolean;
  /**
   * Resolve once every tenant has loaded (the default), or at once: the tenants then load in the
   * background, and a call to one still starting waits for it within its step's deadline, then gets the
   * fallback (`santral-hub start` listens at once).
   */
  wait?: boolean;
}

/** Every tenant the hub serves, by id and by DID, and how a request finds and proves its tenant. */
export class Hub {
  /** The tenant files that did not load on the last (re)load. */
  readonly errors: ConfigError[] = [];
  /** What the last (re)load did; for `/readyz`. */
  lastReload: ReloadReport | undefined;
  readonly metrics = new HubMetrics();
  /** Set on shutdown: `/readyz` answers 503 so a load balancer stops sending calls. */
  draining = false;
  /** A call's life after its answer, when the hub was started with `follow`. */
  follow: CallFollow | undefined;
  /** Resolves once the first pass over the tenant files has ended: each tenant live or reported broken. */
  ready: Promise<void> = Promise.resolve();
  private byId = new Map<string, LiveTenant>();
  private byDid = new Map<string, LiveTenant>();
  /** Tenants read from their files whose plugins are still starting, by id and by DID. */
  private loadingById = new Map<string, LoadingTenant>();
  private loadingByDid = new Map<string, LoadingTenant>();
  /** What resolves each loading tenant's `live`. */
  private readonly serving = new Map<string, (tenant: LiveTenant | undefined) => void>();
  /** While the first pass reads the tenant files: a call for a tenant not known yet waits for it. */
  private reading: Promise<void> | undefined;
  private closing = false;
  private source: { env: Env; resolveFrom: string[] } = { env: {}, resolveFrom: [] };
  private rates!: CallRates;
  private retiring!: Retiring;
  private reloading: Promise<unknown> = Promise.resolve();
  private readonly logged = new Map<string, string>();

  private constructor(
    readonly config: HubConfig,
    readonly cache: LookupCache,
    readonly log: HubLogger,
    readonly now: () => Date,
    /** Rate limits plugins ask for (`PluginContext.rateLimiter`), on the cache's backend. */
    readonly limiters: Limiters,
  ) {}

  /** Loads every tenant file; a broken one is reported and skipped, never stopping the others. */
  static async start(options: HubOptions): Promise<Hub> {
    const cache = await createCache(options.config.cache, options.log);
    const limiters = await createLimiters(options.config.cache, options.log, { cache: cache.store });
    const hub = new Hub(options.config, cache, options.log, options.now ?? (() => new Date()), limiters);
    if (cache.store.kind === "redis") hub.metrics.watchRedis(() => cache.store.healthy());
    hub.source = {
      env: options.env ?? process.env,
      resolveFrom: options.resolveFrom ?? [process.cwd(), options.config.dir],
    };
    hub.rates = new CallRates(options.config.rateLimit, options.log);
    hub.retiring = new Retiring(options.log);
    // the tenants first, loading while the rest starts
    hub.ready = hub.reload().then(() => {
      options.log.flush(); // with the problems of the files that did not load, for whoever watches the start
    });
    if (options.follow) {
      // events are taken into the outbox at once; its jobs run once their tenants are there
      const follow = await startFollow(hub, options.log);
      hub.follow = follow;
      hub.ready = hub.ready.then(() => {
        if (!hub.closing) follow.start();
      });
    }
    if (options.wait !== false) await hub.ready;
    return hub;
  }

  /**
   * Reads the tenant files again and swaps the result in at once (see `reloadTenants`): on start, when the
   * directory changes, on SIGHUP. Passes run one after the other, never two at once.
   */
  reload(): Promise<ReloadReport> {
    const first = this.lastReload === undefined;
    let read = () => {};
    if (first) this.reading = new Promise((resolve) => (read = resolve));
    const pass = async () => {
      const passStarted = performance.now();
      let checked = false;
      const startedEarly: LiveTenant[] = [];
      const next = await reloadTenants(new Map(this.byId), {
        tenantsDir: this.config.tenantsDir,
        env: this.source.env,
        byDid: this.byDid,
        parsed: (starting) => {
          for (const tenant of starting) this.expect(tenant);
          checked = true;
          for (const tenant of startedEarly) this.serveNew(tenant);
          this.reading = undefined;
          read();
        },
        start: async (prepared) => {
          const { resolveFrom } = this.source;
          const started = performance.now();
          const tenant = await startTenant(prepared, { resolveFrom, log: this.log, limiters: this.limiters });
          tenant.adapter = instrumentAdapter(tenant.adapter, tenant.plugin.name, this.metrics);
          const ms = Math.round(performance.now() - started);
          this.log.info({ tenant: tenant.config.id, plugin: tenant.plugin.name, ms }, "tenant ready");
          // one ready before every file is checked waits for the checks (its file may yet be refused)
          if (checked) this.serveNew(tenant);
          else startedEarly.push(tenant);
          return tenant;
        },
      }).finally(() => {
        this.reading = undefined;
        read();
      });
      this.byId = next.byId;
      this.byDid = next.byDid;
      this.loadingById.clear();
      this.loadingByDid.clear();
      for (const serve of this.serving.values()) serve(undefined); // did not start: the calls waiting answer
      this.serving.clear();
      this.errors.splice(0, this.errors.length, ...next.errors);
      this.retiring.retire(next.retired);
      for (const id of next.report.removed) this.rates.forget(id);
      this.lastReload = next.report;
      this.metrics.reload(next.report.states, next.report.at);
      logReload(this.log, next, this.logged, first ? Math.round(performance.now() - passStarted) : undefined);
      return next.report;
    };
    const run = this.reloading.then(pass, pass);
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /** A tenant read from its file whose plugin is starting: it answers fallbacks meanwhile, unless it replaces one. */
  private expect(prepared: PreparedTenant): void {
    const { id, dids } = prepared.config;
    if (this.byId.has(id)) return; // a changed file: the tenant in use answers until the new one is ready
    let serve: (tenant: LiveTenant | undefined) => void = () => {};
    const live = new Promise<LiveTenant | undefined>((resolve) => (serve = resolve));
    const loading: LoadingTenant = { ...prepared, loading: true, live };
    this.serving.set(id, serve);
    this.loadingById.set(id, loading);
    for (const did of dids) if (!this.byDid.has(did)) this.loadingByDid.set(did, loading);
  }

  /** A new tenant serves as soon as its plugin has started, without waiting for the others of its pass. */
  private serveNew(tenant: LiveTenant): void {
    const { id, dids } = tenant.config;
    if (!this.loadingById.has(id)) return;
    this.loadingById.delete(id);
    this.byId.set(id, tenant);
    this.serving.get(id)?.(tenant);
    this.serving.delete(id);
    for (const did of dids) {
      if (this.loadingByDid.get(did)?.config.id !== id) continue;
      this.loadingByDid.delete(did);
      this.byDid.set(did, tenant);
    }
  }

  /** Tenants read from their files whose plugins are still starting. */
  get loading(): number {
    return this.loadingById.size;
  }

  /** True when the tenant may make one more call now; past its `rateLimit`, the call gets the step's fallback. */
  admit(tenant: CalledTenant, now: number): boolean {
    return this.rates.admit(tenant.config.id, tenant.config.rateLimit, now);
  }

  /** The tenant serving an id now, if any. */
  tenant(id: string): LiveTenant | undefined {
    return this.byId.get(id);
  }

  tenants(): LiveTenant[] {
    return [...this.byId.values()];
  }

  /**
   * Stage 2: the tenant named in the URL, or (at `/call`) the one owning the called number, as each dialect
   * reads it from the request: a tenant answers only a request in its own dialect.
   */
  tenantFor(id: string | undefined, fields: Fields): CalledTenant | Promise<CalledTenant> {
    const tenant = id === undefined ? this.byCalledNumber(fields) : (this.byId.get(id) ?? this.loadingById.get(id));
    if (tenant) return tenant;
    const { reading } = this;
    // the hub listens before it has read every tenant file: the call waits for them (a moment), not a 404
    if (reading) return reading.then(() => this.tenantFor(id, fields));
    if (id !== undefined)
      throw tenantError("unknown_tenant", `no tenant "${id}" on this hub; check the URL in the panel`);
    const called = [...DIALECTS.values()].map((d) => d.terms.called).join(" or ");
    throw tenantError("unknown_did", `no tenant has this called number (${called}) among its dids`);
  }

  private byCalledNumber(fields: Fields): CalledTenant | undefined {
    for (const dialect of DIALECTS.values()) {
      const did = normaliseDid(dialect.calledNumber(fields) ?? "") ?? "";
      const tenant = this.byDid.get(did) ?? this.loadingByDid.get(did);
      if (tenant?.config.dialect === dialect) return tenant;
    }
    return undefined;
  }

  /** Stage 2: the request's token, where the tenant's dialect carries it, checked in constant time. */
  authenticate(tenant: CalledTenant, fields: Fields): void {
    const { dialect, tokenField } = tenant.config;
    if (!tokenMatches(tenant.tokenBytes, dialect.token(fields, tokenField))) {
      throw tenantError("bad_token", `wrong or missing ${dialect.terms.token(tokenField)}`);
    }
  }

  /** The dialect a refused request is answered in: its tenant's when the URL names one, else the default. */
  dialectFor(id: string | undefined): Dialect {
    const tenant = id !== undefined ? (this.byId.get(id) ?? this.loadingById.get(id)) : undefined;
    return tenant?.config.dialect ?? DEFAULT_DIALECT;
  }

  step(tenant: CalledTenant, name: string | undefined): StepConfig {
    if (name === undefined) return tenant.config.defaultStep;
    const step = tenant.config.steps.get(name);
    if (!step) {
      const known = [...tenant.config.steps.keys()].join(", ");
      throw tenantError("unknown_step", `tenant has no step "${name}"; its steps are: ${known}`);
    }
    return step;
  }

  /**
   * Drops cached answers: one number of a tenant (every stored form of it, under any adapter config), or the
   * whole tenant. Returns how many entries went. For `santral-hub cache purge`.
   */
  async purge(tenantId: string, number?: string): Promise<number> {
    const tenant = this.byId.get(tenantId);
    if (!tenant) throw new Error(`no tenant "${tenantId}" on this hub`);
    return purgeAnswers(this.cache, tenantId, tenant.config.region, number);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.ready.catch(() => undefined); // a pass still starting adapters would leave them open
    await this.reloading;
    await this.follow?.close(); // its running jobs may still need the adapters and the cache
    await Promise.allSettled([...this.tenants().map((t) => t.adapter.close?.()), this.retiring.closeAll()]);
    await this.cache.store.close();
    await this.limiters.close();
  }
}
