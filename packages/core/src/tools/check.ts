import { type CrmAdapter, CrmError, type CrmErrorKind, isCrmError, type Logger } from "@santral-hub/sdk";
import { loadHubConfig } from "../hub/config.js";
import { startTenant } from "../hub/live-tenant.js";
import { idOf } from "../hub/reload.js";
import { ConfigError } from "../tenants/errors.js";
import { loadTenantDir } from "../tenants/load.js";
import type { TenantConfig } from "../tenants/types.js";
import { keepingLogger } from "./quiet-log.js";

export interface TenantCheck {
  id: string;
  file: string;
  ok: boolean;
  adapter?: string;
  dids: string[];
  steps: string[];
  /** What to change, one line each: `file: path: message`. */
  problems: string[];
  /**
   * What the adapter says about the data it loaded (`CrmAdapter.data`), one line each: rows of a CSV file
   * skipped and why. The tenant still starts: these rows are not found until the file is fixed.
   */
  warnings: string[];
  /** The adapter's own check of credentials and reachability: passed, failed, absent, or not reached. */
  crm: "ok" | "failed" | "none" | "skipped";
  ms: number;
}

export interface CheckReport {
  hubFile: string;
  /** hub.yaml's problem, when it has one (then no tenant is checked). */
  hubProblem?: string;
  tenantsDir: string;
  /** The tenants directory itself could not be read. */
  dirProblem?: string;
  tenants: TenantCheck[];
}

/** What a CRM error asks of the operator. */
const ADVICE: Record<CrmErrorKind, string> = {
  auth: "the CRM refused the credentials: fix the secrets in crm.config",
  rate_limited: "the CRM's API quota is used up for now: try again later, or raise the quota",
  unavailable: "the CRM could not be reached: check its address in crm.config and the network",
  timeout: "the CRM did not answer in time: check its address and its health",
  bad_config: "crm.config names something the CRM does not have",
};

/**
 * `santral-hub check`: hub.yaml, then every tenant file as the hub would load it (YAML, `${env:…}`, the
 * schema, the plugin's own schema), then each adapter's `check` (credentials, reachability) under a
 * time limit. A few tenants at a time, so hundreds of them do not open hundreds of CRM connections at once.
 */
export async function checkConfig(opts: {
  configDir: string;
  env?: NodeJS.ProcessEnv;
  resolveFrom?: string[];
  timeoutMs?: number;
  concurrency?: number;
}): Promise<CheckReport> {
  const env = opts.env ?? process.env;
  const report: CheckReport = { hubFile: `${opts.configDir}/hub.yaml`, tenantsDir: "", tenants: [] };
  let tenantsDir: string;
  try {
    tenantsDir = (await loadHubConfig(opts.configDir, env)).tenantsDir;
  } catch (error) {
    report.hubProblem = (error as Error).message;
    return report;
  }
  report.tenantsDir = tenantsDir;
  const { tenants, errors } = await loadTenantDir(tenantsDir, env);
  for (const error of errors) {
    if (error.file === tenantsDir) report.dirProblem = error.message;
    else report.tenants.push(broken(error));
  }
  const resolveFrom = [...(opts.resolveFrom ?? []), process.cwd(), opts.configDir];
  const queue = [...tenants];
  const worker = async () => {
    for (let config = queue.shift(); config; config = queue.shift()) {
      report.tenants.push(await checkTenant(config, resolveFrom, opts.timeoutMs ?? 5000));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  report.tenants.sort((a, b) => a.id.localeCompare(b.id));
  return report;
}

function broken(error: ConfigError): TenantCheck {
  return {
    id: idOf(error.file),
    file: error.file,
    ok: false,
    dids: [],
    steps: [],
    problems: lines(error),
    warnings: [],
    crm: "skipped",
    ms: 0,
  };
}

async function checkTenant(config: TenantConfig, resolveFrom: string[], timeoutMs: number): Promise<TenantCheck> {
  const started = performance.now();
  const result: TenantCheck = {
    id: config.id,
    file: config.file,
    ok: true,
    adapter: config.crm.adapter,
    dids: config.dids,
    steps: [...config.steps.keys()],
    problems: [],
    warnings: [],
    crm: "none",
    ms: 0,
  };
  const log = keepingLogger();
  try {
    const tenant = await startTenant(config, { resolveFrom, log });
    result.warnings = (tenant.adapter.data?.().warnings ?? []).map((w) => `${config.file}: crm: ${w}`);
    try {
      if (tenant.adapter.check) {
        await checkWithin(tenant.adapter, tenant.plugin.name, timeoutMs, log);
        result.crm = "ok";
      }
    } finally {
      await tenant.adapter.close?.();
    }
  } catch (error) {
    result.ok = false;
    if (error instanceof ConfigError) {
      result.crm = "skipped";
      result.problems = lines(error);
    } else {
      result.crm = "failed";
      const what = isCrmError(error) ? `${error.kind}: ${error.message}; ${ADVICE[error.kind]}` : String(error);
      result.problems = [`${config.file}: crm: ${what}`];
    }
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** The adapter's check, given up on at `ms` even when the plugin ignores its signal. */
async function checkWithin(adapter: CrmAdapter, plugin: string, ms: number, log: Logger): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CrmError("timeout", plugin, `no answer to the check within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    await Promise.race([adapter.check?.({ signal: controller.signal, log }), late]);
  } finally {
    clearTimeout(timer);
  }
}

function lines(error: ConfigError): string[] {
  return error.message.split("\n");
}
