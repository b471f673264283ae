import { type ConfigIssue, formatPath } from "./errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** Every variable a tenant file refers to that the environment lacks, with where each is used. */
export class MissingEnvError extends Error {
  override readonly name = "MissingEnvError";
  constructor(
    readonly issues: ConfigIssue[],
    /** The document with the missing references left in place, so the rest of it can still be checked. */
    readonly partial: unknown,
  ) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join("\n"));
  }
}

const REFERENCE = /\$\{env:([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function walk(value: unknown, env: Env, path: PropertyKey[], issues: ConfigIssue[]): unknown {
  if (typeof value === "string") {
    if (!value.includes("${env:")) return value;
    return value.replace(REFERENCE, (reference, name: string) => {
      const where = formatPath(path);
      if (!NAME.test(name)) {
        issues.push({ path: where, message: `"${reference}" is not a variable name; write \${env:NAME}` });
        return reference;
      }
      const found = env[name];
      if (found === undefined) {
        issues.push({ path: where, message: `${name} is not set; set ${name} in the hub's environment` });
        return reference;
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => walk(item, env, [...path, i], issues));
  if (value !== null && typeof value === "object") {
    // fromEntries defines own keys, so a `__proto__` key stays data (and the schema refuses it).
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, walk(item, env, [...path, key], issues)]),
    );
  }
  return value;
}

/**
 * Replaces `${env:NAME}` in every string value of parsed YAML, deep, and nothing else: no defaults, no
 * expressions, no other sources, so a tenant file can name a secret but never compute one.
 * Throws a MissingEnvError listing every variable that is not set.
 */
export function interpolateEnv(value: unknown, env: Env, path: readonly PropertyKey[] = []): unknown {
  const issues: ConfigIssue[] = [];
  const out = walk(value, env, [...path], issues);
  if (issues.length > 0) throw new MissingEnvError(issues, out);
  return out;
}
