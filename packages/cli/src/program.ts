import path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { registerCacheCommands } from "./commands/cache.js";
import { registerCallCommand } from "./commands/call.js";
import { registerCheckCommand } from "./commands/check.js";
import { registerLookupCommand } from "./commands/lookup.js";
import { registerPluginCommands } from "./commands/plugin.js";
import { registerStartCommand } from "./commands/start.js";
import { registerTenantCommands } from "./commands/tenant.js";
import { explainCommand } from "./explain-command.js";

/** Where the CLI writes and what it reads of its process: tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The exit codes scripts can rely on (packages/cli/README.md): 0 done; 1 what was asked cannot be done as
 * the config stands (a tenant unknown or broken, a file that exists, an error answer); 2 the command line
 * is wrong; 3 something out of reach (the hub, the CRM, Redis).
 */
export const EXIT = { ok: 0, failed: 1, tenant: 1, usage: 2, unreachable: 3 } as const;

/** What every command's registration gets: the process's I/O, and how to set the exit code. */
export interface Cli {
  io: Io;
  exit(code: number): void;
  /** `--config`, else $CONFIG_DIR, else ./config, resolved against the working directory. */
  configDir(option: string | undefined): string;
}

export const CONFIG_OPTION = ["--config <dir>", "the config directory (default: $CONFIG_DIR, else ./config)"] as const;

const EXPLAIN_HELP = `
The report names the caller and the records found in full (numbers and names), unlike the hub's logs:
it is meant for the operator, on their own data. Do not paste it where others can read it.

Exit codes: 0 explained, 1 tenant unknown or broken, 2 bad usage (including an unknown step).

Examples:
  santral-hub explain demo 05101234567
  santral-hub explain demo 0212 333 00 00 --json
  santral-hub explain demo anonymous --step musteri --customer-number 10002
`;

/** Runs one command line (without `node` and the script); resolves to the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const cli: Cli = {
    io,
    exit: (c) => {
      code = c;
    },
    configDir: (option) => path.resolve(io.cwd, option ?? io.env.CONFIG_DIR ?? "config"),
  };
  const program = new Command("santral-hub")
    .description("santral-hub: recognise callers in a tenant's CRM, route and greet them")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(add --help for usage)");
  // commands made with .command() inherit these settings, nested ones (`tenant add`) too

  registerStartCommand(program, cli);
  registerCheckCommand(program, cli);
  registerTenantCommands(program, cli);
  registerCallCommand(program, cli);
  registerLookupCommand(program, cli);
  registerCacheCommands(program, cli);
  registerPluginCommands(program, cli);

  program
    .command("explain")
    .description("show how a tenant would answer a call from NUMBER, and why: the lookup, the match, the rule")
    .argument("<tenant>", "the tenant id (its file is <config>/tenants/<tenant>.yaml)")
    .argument("<number...>", "the caller's number, in any form the PBX sends, spaces allowed (anonymous: withheld)")
    .option("--customer-number <digits>", "the digits the caller typed, for a step with lookup: customerNumber")
    .option("--step <name>", "the step to explain (default: the tenant's first)")
    .option(...CONFIG_OPTION)
    .option("--json", "print the explanation as JSON, for scripts")
    .addHelpText("after", EXPLAIN_HELP)
    .action(async (tenant: string, number: string[], options: ExplainFlags) => {
      const configDir = cli.configDir(options.config);
      code = await explainCommand({ ...options, tenant, number: number.join(" "), configDir }, io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // --help and --version end here too, with exit code 0
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return code;
}

/** `--port 3000`: a whole number from 0 to 65535. */
export function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("not a port number (0 to 65535)");
  return port;
}

interface ExplainFlags {
  customerNumber?: string;
  step?: string;
  config?: string;
  json?: boolean;
}
