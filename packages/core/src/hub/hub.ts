import { type Logger, parsePhone } from "@santral-hub/sdk";
import { createCache } from "../cache/create.js";
import type { LookupCache } from "../cache/lookup-cache.js";
import { RequestError } from "../inbound/errors.js";
import type { Fields } from "../inbound/fields.js";
import { normaliseDid } from "../tenants/did.js";
import { ConfigError } from "../tenants/errors.js";
import { loadTenantDir } from "../tenants/load.js";
import { tokenMatches } from "../tenants/token.js";
import type { StepConfig } from "../tenants/types.js";
import type { HubConfig } from "./config.js";
import { type LiveTenant, startTenant } from "./live-tenant.js";

export interface HubOptions {
  config: HubConfig;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** The clock for time windows; tests pin it. */
  now?: () => Date;
  /** Where plugin packages are resolved from, besides each tenant file's directory. */
  resolveFrom?: string[];
}

/** Every tenant the hub serves, by id and by DID, and how a request finds and proves its tenant. */
export class Hub {
  readonly errors: ConfigError[] = [];
  private readonly byId = new Map<string, LiveTenant>();
  private readonly byDid = new Map<string, LiveTenant>();

  private constructor(
    readonly config: HubConfig,
    readonly cache: LookupCache,
    readonly log: Logger,
    readonly now: () => Date,
  ) {}

  /** Loads every tenant file; a broken one is reported and skipped, never stopping the others. */
  static async start(options: HubOptions): Promise<Hub> {
    const cache = await createCache(options.config.cache, options.log);
    const hub = new Hub(options.config, cache, options.log, options.now ?? (() => new Date()));
    const { tenants, errors } = await loadTenantDir(options.config.tenantsDir, options.env ?? process.env);
    hub.errors.push(...errors);
    const resolveFrom = options.resolveFrom ?? [process.cwd(), options.config.dir];
    for (const config of tenants) {
      try {
        const tenant = await startTenant(config, { resolveFrom, log: options.log });
        hub.byId.set(config.id, tenant);
        for (const did of config.dids) hub.byDid.set(did, tenant);
      } catch (error) {
        hub.errors.push(
          error instanceof ConfigError ? error : new ConfigError(config.file, [{ path: "", message: String(error) }]),
        );
      }
    }
    for (const error of hub.errors) options.log.error({ file: error.file }, error.message);
    options.log.info({ tenants: [...hub.byId.keys()], broken: hub.errors.length }, "tenants loaded");
    return hub;
  }

  tenants(): LiveTenant[] {
    return [...this.byId.values()];
  }

  /**
   * Stage 2: the tenant named in the URL, or (at `/call`) the one owning the called number, and its token
   * checked in constant time.
   */
  authenticate(id: string | undefined, fields: Fields): LiveTenant {
    const tenant = id === undefined ? this.byDid.get(normaliseDid(fields.aranan_no ?? "") ?? "") : this.byId.get(id);
    if (!tenant) {
      throw id === undefined
        ? new RequestError("unknown_did", "no tenant has this called number (aranan_no) among its dids")
        : new RequestError("unknown_tenant", `no tenant "${id}" on this hub; check the URL in the panel`);
    }
    if (!tokenMatches(tenant.tokenBytes, fields[tenant.config.tokenField])) {
      throw new RequestError("bad_token", `wrong or missing static variable "${tenant.config.tokenField}"`);
    }
    return tenant;
  }

  step(tenant: LiveTenant, name: string | undefined): StepConfig {
    if (name === undefined) return tenant.config.defaultStep;
    const step = tenant.config.steps.get(name);
    if (!step) {
      const known = [...tenant.config.steps.keys()].join(", ");
      throw new RequestError("unknown_step", `tenant has no step "${name}"; its steps are: ${known}`);
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
    if (number === undefined) return this.cache.purge(tenantId);
    const phone = parsePhone(number, tenant.config.region);
    if (!phone) throw new Error(`"${number}" is not a phone number`);
    return this.cache.purge(tenantId, { phone });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.tenants().map((t) => t.adapter.close?.()));
    await this.cache.store.close();
  }
}
