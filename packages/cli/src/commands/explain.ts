import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";
import { report } from "../report.js";

const HELP = `
The report names the caller and the records found in full (numbers and names), unlike the hub's logs:
it is meant for the operator, on their own data. Do not paste it where others can read it.

Exit codes: 0 explained, 1 tenant unknown or broken, 2 bad usage (including an unknown step).

Examples:
  santral-hub explain demo 05101234567
  santral-hub explain demo 0212 333 00 00 --json
  santral-hub explain demo anonymous --step musteri --customer-number 10002
`;

interface ExplainFlags {
  customerNumber?: string;
  step?: string;
  config?: string;
  json?: boolean;
}

export function registerExplainCommand(program: Command, cli: Cli): void {
  program
    .command("explain")
    .description("show how a tenant would answer a call from NUMBER, and why: the lookup, the match, the rule")
    .argument("<tenant>", "the tenant id (its file is <config>/tenants/<tenant>.yaml)")
    .argument("<number...>", "the caller's number, in any form the PBX sends, spaces allowed (anonymous: withheld)")
    .option("--customer-number <digits>", "the digits the caller typed, for a step with lookup: customerNumber")
    .option("--step <name>", "the step to explain (default: the tenant's first)")
    .option(...CONFIG_OPTION)
    .option("--json", "print the explanation as JSON, for scripts")
    .addHelpText("after", HELP)
    .action(async (tenant: string, number: string[], options: ExplainFlags) =>
      cli.exit(await explainCommand(tenant, number.join(" "), options, cli)),
    );
}

/** `santral-hub explain`: the report or JSON on stdout; a tenant that cannot be explained, on stderr. */
async function explainCommand(tenant: string, number: string, options: ExplainFlags, cli: Cli): Promise<number> {
  const { io } = cli;
  // loaded here, not at the top: the hub's modules take a second or two, which --help need not wait for
  const { ExplainError, explain } = await import("@santral-hub/core");
  try {
    const explanation = await explain({
      configDir: cli.configDir(options.config),
      tenant,
      number,
      ...(options.customerNumber !== undefined ? { customerNumber: options.customerNumber } : {}),
      ...(options.step !== undefined ? { step: options.step } : {}),
      env: io.env,
    });
    io.out(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : report(explanation));
    return EXIT.ok;
  } catch (error) {
    const code = error instanceof ExplainError ? error.code : "error";
    const message = error instanceof Error ? error.message : String(error);
    io.err(`santral-hub explain: ${message}\n`);
    if (options.json) io.out(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    // a step the tenant does not have is a typo on the command line, not a broken tenant
    return code === "unknown_step" ? EXIT.usage : EXIT.tenant;
  }
}
