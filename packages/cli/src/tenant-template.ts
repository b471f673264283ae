import type { ConfigSchema } from "@santral-hub/core";

/** The tenant's own result codes the template starts with, and what each means. */
export const TEMPLATE_RESULTS: Record<string, string> = {
  "1": "known caller",
  "2": "unknown caller",
  e: "the CRM could not tell",
};

export interface TenantTemplate {
  id: string;
  token: string;
  adapter: string;
  dids: string[];
  /** The plugin's config schema, to write every key it knows; absent when the plugin is not installed. */
  config?: { plugin: string; schema: ConfigSchema };
  date: string;
}

/**
 * A commented tenant file that loads as it is, but for the plugin's settings: each required one holds
 * `CHANGE-ME` until the operator fills it in, and `santral-hub check` says which.
 */
export function tenantFile(t: TenantTemplate): string {
  const results = Object.entries(TEMPLATE_RESULTS).map(([code, meaning]) => `  ${yaml(code)}: ${meaning}`);
  return [
    `# Tenant ${t.id}, written by \`santral-hub tenant add\` on ${t.date}.`,
    `# In the tenant's Netsantral panel (Özel Entegrasyon): URL https://<your hub>/t/${t.id}, and the static`,
    "# variable token=<the token below>. After editing, run `santral-hub check`; a running hub reloads it.",
    `id: ${t.id} # the URL is /t/${t.id}; must equal the file name`,
    `token: ${JSON.stringify(t.token)} # the panel's static variable; or \${env:NAME} to keep it in the hub's environment`,
    `dids: ${JSON.stringify(t.dids)} # the numbers callers dial, e.g. ["8503030303"]: the tenant is found at /call too`,
    "timezone: Europe/Istanbul # for `hours` conditions",
    "# rateLimit: { perSecond: 20, burst: 40 } # calls a second this tenant may make; default: hub.yaml's",
    "",
    "results: # the result codes defined in the tenant's panel, and what each means",
    ...results,
    "",
    "crm:",
    `  adapter: ${yaml(t.adapter)}`,
    ...crmConfig(t),
    "",
    "steps:",
    `  welcome: # the first step answers /t/${t.id}; add more for /t/${t.id}/<step>`,
    "    rules: # first match wins",
    "      - when: { known: true }",
    '        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, hoş geldiniz." }',
    '      - reply: { result: "2" } # a rule without `when` always matches',
    "    fallback: { result: e } # the CRM could not tell in time",
    "",
  ].join("\n");
}

function crmConfig(t: TenantTemplate): string[] {
  if (!t.config) {
    return [`  config: {} # plugin "${t.adapter}" is not installed here: see its README for its settings`];
  }
  const { schema, plugin } = t.config;
  const lines = objectLines(schema, "    ");
  if (lines.length === 0) return [`  config: {} # plugin "${plugin}" takes no settings`];
  return [`  config:${comment(schema.description)}`, ...lines];
}

/** Required keys with a value (CHANGE-ME where there is no default), optional ones commented out. */
function objectLines(schema: ConfigSchema, indent: string): string[] {
  const required = new Set(schema.required ?? []);
  const out: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const shape = branch(prop);
    const note = comment(prop.description ?? shape.description);
    if (!required.has(key)) {
      out.push(`${indent}# ${key}: ${yaml(prop.default ?? example(shape))}${note}`);
    } else if (shape.properties && Object.keys(shape.properties).length > 0) {
      out.push(`${indent}${key}:${note}`, ...objectLines(shape, `${indent}  `));
    } else {
      out.push(`${indent}${key}: ${yaml(prop.default ?? example(shape))}${note}`);
    }
  }
  return out;
}

/** Of `a | b`, the first branch: a valid shape to start from. */
function branch(schema: ConfigSchema): ConfigSchema {
  const first = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  return first ? { ...branch(first), description: schema.description ?? first.description } : schema;
}

function example(schema: ConfigSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => schema.required?.includes(key))
          .map(([key, prop]) => [key, prop.default ?? example(branch(prop))]),
      );
    default:
      return "CHANGE-ME";
  }
}

/** A YAML value: plain where YAML reads it back as the same string, JSON (a YAML subset) otherwise. */
function yaml(value: unknown): string {
  if (
    typeof value === "string" &&
    /^[A-Za-z][\w.-]*$/.test(value) &&
    !/^(?:true|false|yes|no|on|off|null)$/i.test(value)
  ) {
    return value;
  }
  return JSON.stringify(value) ?? "null";
}

function comment(text: string | undefined): string {
  return text ? ` # ${text.replace(/\s+/g, " ")}` : "";
}
