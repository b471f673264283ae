import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";
import { TEMPLATE_RESULTS, type TenantTemplate, tenantFile } from "../tenant-template.js";
import { listTenants } from "./tenant-list.js";

const ADD_HELP = `
Writes <config>/tenants/<id>.yaml from a commented template: a new random token, the plugin's settings
(each required one set to CHANGE-ME), a welcome step greeting known callers. Prints what to type in the
tenant's Netsantral panel. It never overwrites a file. A running hub picks the file up by itself.

Exit codes: 0 written, 1 the file exists (or the config directory cannot be written), 2 bad usage.

Examples:
  santral-hub tenant add acme --adapter csv
  santral-hub tenant add acme --adapter sql --did 8503030303 --public-url https://hub.example.com
`;

const LIST_HELP = `
Lists the tenant files: id, adapter, DIDs, steps, and ✓ or ✗ (with the first problem) as the files stand
now. With --url, adds what the running hub serves after its last reload, from its /readyz and /metrics:
live (on the file as it is), kept (the file is broken; the tenant answers on its last good config) or
broken (not served).

Exit codes: 0 listed, 1 hub.yaml is broken, 2 bad usage, 3 the hub at --url could not be reached.
`;

/** Lower-case letters, digits and dashes: what a tenant id may be (its URL and its file name). */
function tenantId(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) {
    throw new InvalidArgumentError("use lower-case letters, digits and dashes, starting with a letter or digit");
  }
  return value;
}

export function registerTenantCommands(program: Command, cli: Cli): void {
  const tenant = program.command("tenant").description("add a tenant, or list them");

  tenant
    .command("add")
    .description("write a new tenant file from a template, with a generated token")
    .argument("<id>", "the tenant id: its URL is /t/<id>", tenantId)
    .requiredOption("--adapter <name>", "the CRM plugin: csv, sql, or a package name")
    .option("--did <number...>", "the numbers callers dial to reach the tenant (for /call)")
    .option("--public-url <url>", "the hub's address as the PBX reaches it, for the URL to print")
    .option(...CONFIG_OPTION)
    .addHelpText("after", ADD_HELP)
    .action(async (id: string, options: AddFlags) => cli.exit(await addTenant(id, options, cli)));

  tenant
    .command("list")
    .description("list the tenants: adapter, DIDs, steps, file state; with --url, the running hub's state")
    .option(...CONFIG_OPTION)
    .option("--url <url>", "a running hub, e.g. http://127.0.0.1:3000")
    .option("--metrics-url <url>", "where the hub serves /metrics (default: hub.yaml's metrics.port on --url's host)")
    .option("--token <token>", "hub.yaml's metrics.token, when /metrics is protected")
    .option("--json", "print the list as JSON, for scripts")
    .addHelpText("after", LIST_HELP)
    .action(async (options: ListFlags) =>
      cli.exit(await listTenants({ ...options, configDir: cli.configDir(options.config) }, cli.io)),
    );
}

interface AddFlags {
  adapter: string;
  did?: string[];
  publicUrl?: string;
  config?: string;
}

interface ListFlags {
  config?: string;
  url?: string;
  metricsUrl?: string;
  token?: string;
  json?: boolean;
}

async function addTenant(id: string, options: AddFlags, cli: Cli): Promise<number> {
  const { io } = cli;
  const { loadHubConfig, pluginConfigSchema } = await import("@santral-hub/core");
  const configDir = cli.configDir(options.config);
  let tenantsDir: string;
  try {
    tenantsDir = (await loadHubConfig(configDir, io.env)).tenantsDir;
  } catch (error) {
    io.err(`santral-hub tenant add: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const file = path.join(tenantsDir, `${id}.yaml`);
  const twin = [file, path.join(tenantsDir, `${id}.yml`)].find((f) => existsSync(f));
  if (twin) {
    io.err(`santral-hub tenant add: ${twin} already exists; refusing to overwrite it (edit it, or remove it first)\n`);
    return EXIT.failed;
  }
  const token = randomBytes(18).toString("base64url"); // 24 characters, 144 bits
  let config: TenantTemplate["config"];
  try {
    const found = await pluginConfigSchema(options.adapter, [io.cwd, configDir, tenantsDir]);
    config = { plugin: found.name, schema: found.schema };
  } catch (error) {
    io.err(`santral-hub tenant add: warning: ${(error as Error).message}\n`);
  }
  const text = tenantFile({
    id,
    token,
    adapter: options.adapter,
    dids: options.did ?? [],
    ...(config ? { config } : {}),
    date: new Date().toISOString().slice(0, 10),
  });
  try {
    await mkdir(tenantsDir, { recursive: true });
    await writeFile(file, text, { flag: "wx", mode: 0o600 }); // the file holds a secret
  } catch (error) {
    io.err(`santral-hub tenant add: cannot write ${file}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const hub = (options.publicUrl ?? "https://<your hub>").replace(/\/$/, "");
  const codes = Object.entries(TEMPLATE_RESULTS).map(([code, meaning]) => `${code} ${meaning}`);
  io.out(
    [
      `Wrote ${file}`,
      "",
      `In tenant ${id}'s Netsantral panel, Custom Integration (Özel Entegrasyon):`,
      `  URL              ${hub}/t/${id}   (another step: ${hub}/t/${id}/<step>)`,
      "  method           JSON POST (HTTP GET, HTTP POST and XML POST work too)",
      `  static variable  token = ${token}`,
      `  result codes     ${codes.join(" · ")}`,
      ...(options.did?.length ? [`  or by number     ${hub}/call, for calls to ${options.did.join(", ")}`] : []),
      "",
      "Next:",
      `  1. fill in crm.config in ${file} (every CHANGE-ME)`,
      "  2. santral-hub check",
      `  3. santral-hub call ${id} --caller <a number in the CRM>`,
      "A running hub loads the file as soon as it is saved.",
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}
