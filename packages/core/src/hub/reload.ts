import path from "node:path";
import type { Logger } from "@santral-hub/sdk";
import type { TenantState } from "../metrics/hub-metrics.js";
import type { Env } from "../tenants/env.js";
import { asConfigError, ConfigError } from "../tenants/errors.js";
import { loadTenantDir } from "../tenants/load.js";
import type { TenantConfig } from "../tenants/types.js";
import { type LiveTenant, type PreparedTenant, prepareTenant } from "./live-tenant.js";

/** What one pass over the tenants directory did: for the log, `/readyz` and the metrics. */
export interface ReloadReport {
  at: Date;
  /** Tenants answering calls after the pass. */
  live: number;
  added: string[];
  changed: string[];
  removed: string[];
  /** Tenants whose file is broken: `kept` ones go on answering on their last good config. */
  broken: { id: string; file: string; kept: boolean; message: string }[];
  /** The directory itself could not be read: nothing was changed. */
  unreadable?: string;
  states: Map<string, TenantState>;
}

export interface Reloaded {
  byId: Map<string, LiveTenant>;
  byDid: Map<string, LiveTenant>;
  /** Tenants replaced or removed: their adapters are closed once the calls using them are done. */
  retired: LiveTenant[];
  errors: ConfigError[];
  report: ReloadReport;
}

/**
 * Reads every tenant file and works out the tenants to serve next: an unchanged file keeps its running
 * tenant (and its adapter, pools and caches); a changed or new one is started; a file that no longer
 * loads leaves its tenant on the last good config; a removed file retires its tenant. Nothing here
 * changes what is served: the caller swaps the maps in at once, so a call sees the old set or the new.
 */
export async function reloadTenants(
  current: ReadonlyMap<string, LiveTenant>,
  opts: {
    tenantsDir: string;
    env: Env;
    start(tenant: PreparedTenant): Promise<LiveTenant>;
    /**
     * Once the files are read and checked: the tenants starting (new or changed). Their starts began as each
     * file was read; one that ends before this is called belongs to a file that may yet be refused.
     */
    parsed?(starting: PreparedTenant[]): void;
    /** Who answers each DID now (the hub's map); worked out from `current` when not given. */
    byDid?: ReadonlyMap<string, LiveTenant>;
  },
): Promise<Reloaded> {
  // the numbers served now stay with their tenants: a file added later cannot take one over
  const servedBefore = new Map(opts.byDid ?? didsOf(current.values()));
  const serving = new Map([...servedBefore].map(([did, t]) => [did, { id: t.config.id, file: t.config.file }]));
  const known = new Map([...current.values()].map((t) => [t.config.file, t.config]));
  // a new or changed file's templates are compiled and its plugin started as soon as the file is read,
  // side by side (a slow CRM login must not hold up the others), while the next files are read
  const prepared = new Map<string, PreparedTenant | ConfigError>();
  const starting = new Map<string, Promise<LiveTenant | ConfigError>>();
  const begin = (config: TenantConfig) => {
    const old = current.get(config.id);
    if (old && old.config.fingerprint === config.fingerprint && old.config.file === config.file) return;
    try {
      const ready = prepareTenant(config);
      prepared.set(config.file, ready);
      starting.set(
        config.file,
        opts.start(ready).catch((error: unknown) => asConfigError(config.file, error)),
      );
    } catch (error) {
      prepared.set(config.file, asConfigError(config.file, error));
    }
  };
  const { tenants, errors } = await loadTenantDir(opts.tenantsDir, opts.env, serving, known, begin);
  // a file the directory's checks refused (an id or a DID another file has) serves nothing: its start is undone
  const kept = new Set(tenants.map((t) => t.file));
  for (const [file, tenant] of starting) {
    if (kept.has(file)) continue;
    starting.delete(file);
    void tenant.then((t) => (t instanceof ConfigError ? undefined : t.adapter.close?.())).catch(() => undefined);
  }
  const report: ReloadReport = {
    at: new Date(),
    live: 0,
    added: [],
    changed: [],
    removed: [],
    broken: [],
    states: new Map(),
  };
  const dirError = errors.find((e) => e.file === opts.tenantsDir);
  if (dirError && current.size > 0) {
    // a directory that vanished for a moment (a deploy swapping it) must not take every tenant down
    report.unreadable = dirError.message;
    return {
      byId: new Map(current),
      byDid: servedBefore,
      retired: [],
      errors,
      report: settle(report, current),
    };
  }
  const byId = new Map<string, LiveTenant>();
  const retired: LiveTenant[] = [];
  const ready = tenants.flatMap((t) => {
    const p = prepared.get(t.file);
    return p === undefined || p instanceof ConfigError ? [] : [p];
  });
  opts.parsed?.(ready);
  // then taken in file order
  const started = await Promise.all(
    tenants.map(async (config): Promise<LiveTenant | ConfigError> => {
      const p = prepared.get(config.file);
      if (p === undefined) return current.get(config.id) as LiveTenant;
      if (p instanceof ConfigError) return p;
      return starting.get(config.file) as Promise<LiveTenant | ConfigError>;
    }),
  );
  for (const [i, config] of tenants.entries()) {
    const tenant = started[i];
    if (tenant === undefined || tenant instanceof ConfigError) {
      if (tenant) errors.push(tenant);
      continue;
    }
    byId.set(config.id, tenant);
    const old = current.get(config.id);
    if (old === tenant) continue;
    if (old) retired.push(old);
    (old ? report.changed : report.added).push(config.id);
  }
  for (const error of errors) {
    if (error === dirError) continue;
    const id = idOf(error.file);
    const old = current.get(id);
    const kept = old !== undefined && !byId.has(id) && old.config.file === error.file;
    if (kept) byId.set(id, old);
    report.broken.push({ id, file: error.file, kept, message: error.message });
  }
  for (const [id, old] of current) {
    if (!byId.has(id)) {
      retired.push(old);
      report.removed.push(id);
    }
  }
  return { byId, byDid: didsOf(byId.values(), servedBefore), retired, errors, report: settle(report, byId) };
}

function settle(report: ReloadReport, live: ReadonlyMap<string, LiveTenant>): ReloadReport {
  report.live = live.size;
  for (const list of [report.added, report.changed, report.removed]) list.sort();
  for (const id of live.keys()) report.states.set(id, "live");
  for (const b of report.broken) report.states.set(b.id, b.kept ? "kept" : "broken");
  return report;
}

/**
 * DIDs to tenants. `loadTenantDir` has already refused a file claiming a number another tenant serves; the
 * one overlap left is a tenant kept on its last good config whose new file dropped a number another file
 * took: the tenant serving it `before` keeps it until its own new file is in.
 */
function didsOf(
  tenants: Iterable<LiveTenant>,
  before: ReadonlyMap<string, LiveTenant> = new Map(),
): Map<string, LiveTenant> {
  const list = [...tenants];
  const ids = new Map(list.map((t) => [t.config.id, t]));
  const byDid = new Map<string, LiveTenant>();
  for (const [did, old] of before) {
    const now = ids.get(old.config.id);
    if (now?.config.dids.includes(did)) byDid.set(did, now);
  }
  for (const tenant of list) {
    for (const did of tenant.config.dids) if (!byDid.has(did)) byDid.set(did, tenant);
  }
  return byDid;
}

/** `…/tenants/acme.yaml` → `acme`: a file's tenant, even when the file no longer parses. */
export function idOf(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/i, "");
}

/**
 * Logs a pass: every broken file when it first breaks or its problem changes (not again on each pass), and
 * a summary line when anything changed. `seen` carries the problems already logged, by file, across passes.
 */
export function logReload(
  log: Logger,
  reloaded: Reloaded,
  seen: Map<string, string>,
  /** On the first pass, how long it took (ms). */
  firstMs: number | undefined,
): void {
  const { report } = reloaded;
  const now = new Map(reloaded.errors.map((e) => [e.file, e.message]));
  for (const error of reloaded.errors) {
    if (seen.get(error.file) === error.message) continue;
    const broken = report.broken.find((b) => b.file === error.file);
    const kept = broken?.kept ? "; its tenant keeps answering on its last good config" : "";
    log.error({ file: error.file, tenant: broken?.id, kept: broken?.kept }, `${error.message}${kept}`);
  }
  // a file that was broken and now serves its tenant again (a removed one is not "fixed")
  const fixed = [...seen.keys()].filter((file) => !now.has(file) && report.states.get(idOf(file)) === "live");
  seen.clear();
  for (const [file, message] of now) seen.set(file, message);
  const { added, changed, removed, live } = report;
  const broken = report.broken.length;
  if (firstMs !== undefined) {
    log.info({ tenants: [...reloaded.byId.keys()], broken, ms: firstMs }, "tenants loaded");
  } else if (added.length + changed.length + removed.length + fixed.length > 0 || report.unreadable) {
    log.info({ added, changed, removed, live, broken, fixed: fixed.map(idOf) }, "tenants reloaded");
  }
}
