import { type Contact, parsePhone } from "@santral-hub/sdk";
import { createCache } from "../cache/create.js";
import { cacheKey } from "../cache/key.js";
import { ExplainError, findTenant } from "../explain/tenant.js";
import { loadHubConfig } from "../hub/config.js";
import { type LiveTenant, startTenant } from "../hub/live-tenant.js";
import { lookupCaller } from "../lookup/lookup-caller.js";
import { nameOf } from "../lookup/records.js";
import { keepingLogger } from "./quiet-log.js";
import { ToolError } from "./tool-error.js";

/** The cache entry of a number, as the hubs sharing it see it. `not_shared`: a memory cache, inside each hub. */
export interface CacheState {
  backend: "memory" | "redis";
  state: "fresh" | "stale" | "absent" | "not_shared" | "unreachable";
  key?: string;
  /** ms the entry stays fresh (fresh), or is still served while refreshed (stale). */
  forMs?: number;
  /** The entry's answer: how many records, none being a cached "not found". */
  records?: number;
}

export interface LookupResult {
  tenant: string;
  plugin: string;
  number: string;
  e164: string;
  contact: { id: string; name: string; company?: string; vip: boolean; owner?: Contact["owner"] } | null;
  ambiguous: boolean;
  returned: number;
  kept: number;
  error?: { kind: string; message: string };
  /** Time the CRM took. */
  ms: number;
  cache: CacheState;
}

/**
 * `santral-hub lookup`: the tenant's adapter asked directly (no cache, up to `cache.lookupLimit`), its
 * records verified and chosen as on a call, and the state of that number's entry in the shared cache.
 */
export async function lookupNumber(opts: {
  configDir: string;
  tenant: string;
  number: string;
  env?: NodeJS.ProcessEnv;
  resolveFrom?: string[];
}): Promise<LookupResult> {
  const env = opts.env ?? process.env;
  const config = await findTenant(opts.configDir, opts.tenant, env);
  const phone = parsePhone(opts.number, config.region);
  if (!phone) throw new ToolError("bad_number", `"${opts.number}" is not a phone number`);
  const log = keepingLogger();
  let tenant: LiveTenant;
  try {
    tenant = await startTenant(config, {
      resolveFrom: [...(opts.resolveFrom ?? []), process.cwd(), opts.configDir],
      log,
    });
  } catch (error) {
    throw new ExplainError("broken_tenant", (error as Error).message);
  }
  try {
    const found = await lookupCaller(
      tenant.adapter,
      { phone },
      {
        policy: tenant.policy,
        region: config.region,
        deadlineMs: config.cache.lookupLimitMs,
        log,
      },
    );
    const c = found.contact;
    return {
      tenant: config.id,
      plugin: tenant.plugin.name,
      number: opts.number,
      e164: phone.e164,
      contact: c && {
        id: c.id,
        name: nameOf(c),
        ...(c.company ? { company: c.company } : {}),
        vip: c.vip === true,
        ...(c.owner ? { owner: c.owner } : {}),
      },
      ambiguous: found.ambiguous,
      returned: found.candidates,
      kept: found.kept.length,
      ...(found.error ? { error: found.error } : {}),
      ms: Math.round(found.crmMs * 100) / 100,
      cache: await cacheState(opts.configDir, env, cacheKey(config.id, tenant.cacheHash, { phone })),
    };
  } finally {
    await tenant.adapter.close?.();
  }
}

async function cacheState(configDir: string, env: NodeJS.ProcessEnv, key: string): Promise<CacheState> {
  const { cache: settings } = await loadHubConfig(configDir, env);
  if (settings.backend === "memory") return { backend: "memory", state: "not_shared" };
  const cache = await createCache(settings, keepingLogger());
  try {
    if (!cache.store.healthy()) return { backend: "redis", state: "unreachable", key };
    const entry = await cache.store.get(key);
    const now = Date.now();
    if (!entry || now >= entry.staleUntil) return { backend: "redis", state: "absent", key };
    const fresh = now < entry.freshUntil;
    const forMs = (fresh ? entry.freshUntil : entry.staleUntil) - now;
    return { backend: "redis", state: fresh ? "fresh" : "stale", key, forMs, records: entry.contacts.length };
  } catch {
    return { backend: "redis", state: "unreachable", key };
  } finally {
    await cache.store.close();
  }
}
