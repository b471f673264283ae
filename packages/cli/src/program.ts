import path from "node:path";
import { Command, CommanderError } from "commander";
import { explainCommand } from "./explain-command.js";

/** Where the CLI writes and what it reads of its process: tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** 0: done; 1: the tenant is unknown or its config is broken; 2: the command line is wrong. */
export const EXIT = { ok: 0, tenant: 1, usage: 2 } as const;

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
  const program = new Command("santral-hub")
    .description("santral-hub: recognise callers in a tenant's CRM, route and greet them")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(add --help for usage)");

  program
    .command("explain")
    .description("show how a tenant would answer a call from NUMBER, and why: the lookup, the match, the rule")
    .argument("<tenant>", "the tenant id (its file is <config>/tenants/<tenant>.yaml)")
    .argument("<number...>", "the caller's number, in any form the PBX sends, spaces allowed (anonymous: withheld)")
    .option("--customer-number <digits>", "the digits the caller typed, for a step with lookup: customerNumber")
    .option("--step <name>", "the step to explain (default: the tenant's first)")
    .option("--config <dir>", "the config directory (default: $CONFIG_DIR, else ./config)")
    .option("--json", "print the explanation as JSON, for scripts")
    .addHelpText("after", EXPLAIN_HELP)
    .action(async (tenant: string, number: string[], options: ExplainFlags) => {
      const configDir = path.resolve(io.cwd, options.config ?? io.env.CONFIG_DIR ?? "config");
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

interface ExplainFlags {
  customerNumber?: string;
  step?: string;
  config?: string;
  json?: boolean;
}
