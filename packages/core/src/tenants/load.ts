import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseDocument, type ScalarTag } from "yaml";
import { pauses } from "../run/pauses.js";
import { literalSecrets } from "./after-schema.js";
import { settleDids } from "./did.js";
import { type Env, interpolateEnv, MissingEnvError } from "./env.js";
import { asConfigError, ConfigError, type ConfigIssue } from "./errors.js";
import { parseTenant } from "./schema.js";
import type { TenantConfig } from "./types.js";

// `redirect: 05441000000` and `dids: [+908503030303]` keep their leading 0 or +: YAML would read them as numbers.
const digitsWithPrefix: ScalarTag = {
  tag: "tag:santral-hub:digits",
  default: true,
  identify: () => false,
  test: /^(?:0|\+)[0-9]+$/,
  resolve: (source) => source,
};

function syntaxError(
  file: string,
  error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] },
) {
  const position = error.linePos?.[0];
  const what = error.message.split(" at line ")[0] ?? error.message;
  const issue: ConfigIssue = position
    ? {
        path: "",
        message: `YAML syntax error at line ${position.line}, column ${position.col}: ${what}`,
        line: position.line,
        column: position.col,
      }
    : { path: "", message: `YAML syntax error: ${what}` };
  return new ConfigError(file, [issue], { cause: error });
}

/** Parses the text of a tenant file: YAML, `${env:…}`, schema and cross-checks, every problem at once. */
export function parseTenantSource(source: string, file: string, env: Env = process.env): TenantConfig {
  const doc = parseDocument(source, { customTags: (tags) => [digitsWithPrefix, ...tags] });
  const [syntax] = doc.errors;
  if (syntax) throw syntaxError(file, syntax);
  let data: unknown = doc.toJS();
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
  return parseRead(await readSource(file), env);
}

type Read =
  | { file: string; source: string; fingerprint: string; stat?: string }
  | { file: string; error: ConfigError }
  | { file: string; same: TenantConfig };

async function readSource(file: string, known?: TenantConfig): Promise<Read> {
  try {
    // a file whose size and times are those it had when it was read is not read again
    const info = known ? await stat(file) : undefined;
    const stamp = info ? `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}` : undefined;
    if (known && stamp === known.stat) return { file, same: known };
    const source = await readFile(file, "utf8");
    const fingerprint = createHash("sha256").update(source).digest("base64url");
    if (known && fingerprint === known.fingerprint) {
      known.stat = stamp; // touched, not changed
      return { file, same: known };
    }
    return { file, source, fingerprint, ...(stamp ? { stat: stamp } : {}) };
  } catch (error) {
    const message = `cannot read the file: ${(error as Error).message}`;
    return { file, error: new ConfigError(file, [{ path: "", message }], { cause: error }) };
  }
}

function parseRead(read: Read, env: Env): TenantConfig {
  if ("error" in read) throw read.error;
  if ("same" in read) return read.same;
  const tenant = parseTenantSource(read.source, read.file, env);
  tenant.fingerprint = read.fingerprint;
  if (read.stat) tenant.stat = read.stat;
  return tenant;
}

type Loaded = { file: string; tenant: TenantConfig } | { file: string; error: ConfigError };

function tryParse(read: Read, env: Env): Loaded {
  try {
    return { file: read.file, tenant: parseRead(read, env) };
  } catch (error) {
    return { file: read.file, error: asConfigError(read.file, error) };
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
): Promise<{ tenants: TenantConfig[]; errors: ConfigError[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith(".")).sort();
  } catch (error) {
    const message = `cannot read the tenants directory: ${(error as Error).message}`;
    return { tenants: [], errors: [new ConfigError(dir, [{ path: "", message }], { cause: error })] };
  }
  const files = names.map((name) => path.join(dir, name));
  const reads = await Promise.all(files.map((file) => readSource(file, known.get(file))));
  // a pass over hundreds of files parses only the changed ones, and lets calls in between them
  const loaded: Loaded[] = [];
  const pause = pauses();
  for (const read of reads) {
    if (!("same" in read)) await pause();
    loaded.push(tryParse(read, env));
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
