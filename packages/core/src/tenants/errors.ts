import type { z } from "zod";

/** One problem in a config file: where (`steps.welcome.rules[0].reply.result`) and what to change. */
export interface ConfigIssue {
  /** Dotted path into the file; empty for the file as a whole. */
  path: string;
  message: string;
  /** 1-based position, for YAML syntax errors. */
  line?: number;
  column?: number;
}

/** A config file that cannot be used, with every problem found in it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join("\n"), options);
  }
}

/** `config/tenants/acme.yaml: steps.welcome.fallback: …` */
/** An error met while loading `file`, as a ConfigError naming it (a ConfigError as it is). */
export function asConfigError(file: string, error: unknown): ConfigError {
  if (error instanceof ConfigError) return error;
  return new ConfigError(file, [{ path: "", message: String(error) }], { cause: error });
}

export function formatIssue(file: string, { path, message }: ConfigIssue): string {
  return [file, path, message].filter((part) => part !== "").join(": ");
}

/** `["steps", "welcome", "rules", 0]` → `steps.welcome.rules[0]`; odd keys are quoted: `results["1"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (prefix === "") return path;
  if (path === "" || path.startsWith("[")) return `${prefix}${path}`;
  return `${prefix}.${path}`;
}

/** Zod's wording, made to say what to change; issues our schemas worded themselves pass through. */
function reword(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) {
    return `missing; expected ${issue.expected}`;
  }
  if (issue.code === "invalid_value" && issue.message.startsWith("Invalid option")) {
    return `use one of: ${issue.values.map(String).join(", ")}`;
  }
  if (issue.code === "invalid_key") {
    return issue.issues.map((inner) => inner.message).join("; ");
  }
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input: ")) {
    return issue.message.slice("Invalid input: ".length);
  }
  return issue.message;
}

/**
 * A ConfigError from a zod error, with each path made readable. `prefixPath` places the issues inside
 * the file, e.g. `crm.config` for a plugin's own schema. An unknown key is reported at its own path.
 */
export function fromZodError(
  file: string,
  error: { issues: readonly z.core.$ZodIssue[] },
  prefixPath: string | readonly PropertyKey[] = "",
): ConfigError {
  const prefix = typeof prefixPath === "string" ? prefixPath : formatPath(prefixPath);
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const message = issue.message.startsWith("Unrecognized key") ? "unknown key; check its spelling" : issue.message;
      for (const key of issue.keys) issues.push({ path: joinPath(prefix, formatPath([...issue.path, key])), message });
    } else {
      issues.push({ path: joinPath(prefix, formatPath(issue.path)), message: reword(issue) });
    }
  }
  return new ConfigError(file, issues, { cause: error });
}
