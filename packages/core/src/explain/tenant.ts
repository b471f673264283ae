import { loadHubConfig } from "../hub/config.js";
import { ConfigError } from "../tenants/errors.js";
import { loadTenantDir } from "../tenants/load.js";
import type { StepConfig, TenantConfig } from "../tenants/types.js";

/** Why `explain` could not run: the tenant is unknown or broken, or the step does not exist. */
export class ExplainError extends Error {
  override readonly name = "ExplainError";
  constructor(
    readonly code: "unknown_tenant" | "broken_tenant" | "unknown_step" | "unknown_call",
    message: string,
  ) {
    super(message);
  }
}

/** The tenant as the hub would load it: every file is read, so a clash of ids or DIDs shows here too. */
export async function findTenant(configDir: string, id: string, env: NodeJS.ProcessEnv): Promise<TenantConfig> {
  let tenantsDir: string;
  try {
    tenantsDir = (await loadHubConfig(configDir, env)).tenantsDir;
  } catch (error) {
    throw new ExplainError("broken_tenant", (error as Error).message);
  }
  const { tenants, errors } = await loadTenantDir(tenantsDir, env);
  const tenant = tenants.find((t) => t.id === id);
  if (tenant) return tenant;
  const broken = errors.find((e) => fileId(e.file) === id);
  if (broken) throw new ExplainError("broken_tenant", broken.message);
  const dirError = errors.find((e) => e instanceof ConfigError && e.file === tenantsDir);
  if (dirError) throw new ExplainError("unknown_tenant", dirError.message);
  const known = tenants.map((t) => t.id).join(", ") || "none";
  throw new ExplainError("unknown_tenant", `no tenant "${id}" in ${tenantsDir}; the tenants there are: ${known}`);
}

function fileId(file: string): string {
  return (file.split(/[\\/]/).pop() ?? "").replace(/\.ya?ml$/i, "");
}

export function findStep(config: TenantConfig, name: string | undefined): StepConfig {
  if (name === undefined) return config.defaultStep;
  const step = config.steps.get(name);
  if (step) return step;
  const known = [...config.steps.keys()].join(", ");
  throw new ExplainError("unknown_step", `tenant "${config.id}" has no step "${name}"; its steps are: ${known}`);
}
