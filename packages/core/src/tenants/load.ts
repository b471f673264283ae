import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { type FileRead, readTenantFile, readYaml, type YamlRead } from "../../loader/tenant-yaml.mjs";
import { pauses } from "../run/pauses.js";
import { literalSecrets } from "./after-schema.js";
import { settleDids } from "./did.js";
import { type Env, interpolateEnv, MissingEnvError } from "./env.js";
import { asConfigError, ConfigError, type ConfigIssue } from "./errors.js";
import { parseTenant } from "./schema.js";
import type { TenantConfig } from "./types.js";
import { readTenantFiles } from "./yaml-pool.js";

function syntaxError(file: string, syntax: { message: string; line?: number; col?: number }): ConfigError {
  const { message, line, col } = syntax;
  const issue: ConfigIssue =
    line !== undefined && col !== undefined
      ? { path: "", message: `YAML syntax error at line ${line}, column ${col}: ${message}`, line, column: col }
      : { path: "", message: `YAML syntax error: ${message}` };
  return new ConfigError(file, [issue]);
}

/** Parses the text of a tenant file: YAML, `${env:…}`, schema and cross-checks, every problem at once. */
export function parseTenantSource(source: string, file: string, env: Env = process.env): TenantConfig {
  return parseTenantYaml(readYaml(source), file, env);
}

/** A tenant file whose YAML has been read (here, or on a worker thread): the rest of `parseTenantSource`. */
function parseTenantYaml(yaml: YamlRead, file: string, env: Env): TenantConfig {
  if ("syntax" in yaml) throw syntaxError(file, yaml.syntax);
  let data: unknown = yaml.data;
  if (data === null || data === undefined) {
    throw new ConfigError(file, [{ path: "", message: "the file is empty; a tenant needs id, token, crm and steps" }]);
  }
  const issues: ConfigIssue[] = literalSecrets(data);
  try {
    data = interpolateEnv(data, env);
  } catch (error) {
    if (!(error instanceof MissingEnvError)) throw error;
    issues.push(...error.issues);
    data = error.partial;
  }
  const expected = path.basename(file).replace(/\.ya?ml$/i, "");
  const id = (data as { id?: unknown }).id;
  if (typeof id === "string" && id !== expected) {
    issues.push({
      path: "id",
      message: `"${id}" does not match the file name; set id: ${expected} or rename the file to ${id}.yaml`,
    });
  }
  try {
    const tenant = parseTenant(data, file);
    if (issues.length === 0) return tenant;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  throw new ConfigError(file, issues);
}

/** Reads and checks one tenant file; throws a ConfigError naming the file and every bad path. */
export async function loadTenantFile(file: string, env: Env = process.env): Promise<TenantConfig> {
  return parseRead(file, await readTenantFile(file), undefined, env);
}

/** A config from what was read of its file; `stat`: the file's stamp then (see `stampOf`). */
function parseRead(file: string, read: FileRead, stat: string | undefined, env: Env): TenantConfig {
  if ("error" in read) {
    throw new ConfigError(file, [{ path: "", message: `cannot read the file: ${read.error}` }]);
  }
  const tenant = parseTenantYaml(read.yaml, file, env);
  tenant.fingerprint = read.fingerprint;
  if (stat) tenant.stat = stat;
  return tenant;
}

/** A file's size and times: a file whose stamp is the one it had when it was read is not read again. */
async function stampOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
  } catch {
    return undefined; // then read, and its error reported
  }
}

type Loaded = { file: string; tenant: TenantConfig } | { file: string; error: ConfigError };

function tryParse(file: string, read: FileRead, stat: string | undefined, env: Env): Loaded {
  try {
    return { file, tenant: parseRead(file, read, stat, env) };
  } catch (error) {
    return { file, error: asConfigError(file, error) };
  }
}

/**
 * Loads every `*.yaml`/`*.yml` in `dir`, in name order. A broken file is reported and skipped without
 * stopping the others. Of two files claiming one id, the first keeps it and the second is reported (naming
 * both files) and skipped. A number must reach exactly one tenant: of files claiming one DID, the tenant
 * `serving` it now keeps it, and when none does every claimant is refused (see `settleDids`).
 */
export async function loadTenantDir(
  dir: string,
  env: Env = process.env,
  /** DID → the tenant answering it now (on a reload; empty at start and for `check`). */
  serving: ReadonlyMap<string, { id: string; file: string }> = new Map(),
  /** The configs in use by file: a file unchanged since (its stat, else its text) is not parsed again. */
  known: ReadonlyMap<string, TenantConfig> = new Map(),
  /** Called with each config as its file is read, before the checks across files (ids, DIDs). */
  begin?: (config: TenantConfig) => void,
): Promise<{ tenants: TenantConfig[]; errors: ConfigError[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith(".")).sort();
  } catch (error) {
    const message = `cannot read the tenants directory: ${(error as Error).message}`;
    return { tenants: [], errors: [new ConfigError(dir, [{ path: "", message }], { cause: error })] };
  }
  const files = names.map((name) => path.join(dir, name));
  const stamps = await Promise.all(files.map(stampOf));
  // a pass over hundreds of files reads only the changed ones (their YAML on worker threads when there are
  // many), checks them in name order as they come, and lets calls in between them
  const changed = files.filter((file, i) => stamps[i] === undefined || stamps[i] !== known.get(file)?.stat);
  const reading = new Map(readTenantFiles(changed).map((read, i) => [changed[i] as string, read]));
  const loaded: Loaded[] = [];
  const pause = pauses();
  for (const [i, file] of files.entries()) {
    const same = known.get(file);
    const read = reading.get(file);
    if (!read) {
      loaded.push({ file, tenant: same as TenantConfig }); // unchanged: its stamp is the one it was read with
      continue;
    }
    const got = await read();
    if (same && "fingerprint" in got && got.fingerprint === same.fingerprint) {
      same.stat = stamps[i]; // touched, not changed
      loaded.push({ file, tenant: same });
      continue;
    }
    await pause();
    const entry = tryParse(file, got, stamps[i], env);
    if ("tenant" in entry) begin?.(entry.tenant);
    loaded.push(entry);
  }
  const errors: ConfigError[] = [];
  const issues = new Map<string, ConfigIssue[]>();
  const unique: TenantConfig[] = [];
  const ids = new Map<string, TenantConfig>();
  for (const entry of loaded) {
    if ("error" in entry) {
      errors.push(entry.error);
      continue;
    }
    const { tenant } = entry;
    const twin = ids.get(tenant.id);
    if (twin) {
      const message = `"${tenant.id}" is also the id of ${twin.file}; keep one of the two files`;
      issues.set(tenant.file, [{ path: "id", message }]);
      continue;
    }
    ids.set(tenant.id, tenant);
    unique.push(tenant);
  }
  const unloaded = new Set(loaded.filter((e) => "error" in e || issues.has(e.file)).map((e) => e.file));
  for (const conflict of settleDids(unique, serving, unloaded)) issues.set(conflict.file, conflict.issues);
  const tenants = unique.filter((tenant) => !issues.has(tenant.file));
  for (const entry of loaded) {
    const found = issues.get(entry.file);
    if (found) errors.push(new ConfigError(entry.file, found));
  }
  return { tenants, errors };
}
