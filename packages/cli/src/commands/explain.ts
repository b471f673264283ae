import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";
import { callReport, report } from "../report.js";

const HELP = `
The report names the caller and the records found in full (numbers and names), unlike the hub's logs:
it is meant for the operator, on their own data. Do not paste it where others can read it.

With --call, it shows a call the running hub followed after its answer, by any of its ids (the routing
request's arama_id, an event's unique_id, the card id): its route and why, the PBX's events, and every try
to deliver it to the tenant's webhooks. Calls are kept 4 hours after their last event.

Exit codes: 0 explained, 1 tenant unknown or broken, or no such call, 2 bad usage (including an unknown step).

Examples:
  santral-hub explain demo 05101234567
  santral-hub explain demo 0212 333 00 00 --json
  santral-hub explain demo anonymous --step musteri --customer-number 10002
  santral-hub explain demo --call 1428481992.3556
`;

interface ExplainFlags {
  call?: string;
  customerNumber?: string;
  step?: string;
  config?: string;
  json?: boolean;
}

export function registerExplainCommand(program: Command, cli: Cli): void {
  program
    .command("explain")
    .description(
      "show how a tenant would answer a call from NUMBER, and why: the lookup, the match, the rule; or, with --call, what became of a call",
    )
    .argument("<tenant>", "the tenant id (its file is <config>/tenants/<tenant>.yaml)")
    .argument("[number...]", "the caller's number, in any form the PBX sends, spaces allowed (anonymous: withheld)")
    .option("--call <id>", "a call the hub followed: its route, events and deliveries")
    .option("--customer-number <digits>", "the digits the caller typed, for a step with lookup: customerNumber")
    .option("--step <name>", "the step to explain (default: the tenant's first)")
    .option(...CONFIG_OPTION)
    .option("--json", "print the explanation as JSON, for scripts")
    .addHelpText("after", HELP)
    .action(async (tenant: string, number: string[], options: ExplainFlags, command: Command) => {
      if (options.call !== undefined && number.length > 0) command.error("give a NUMBER or --call, not both");
      if (options.call === undefined && number.length === 0) command.error("missing NUMBER (or --call <id>)");
      const code =
        options.call !== undefined
          ? await explainCallCommand(tenant, options.call, options, cli)
          : await explainCommand(tenant, number.join(" "), options, cli);
      cli.exit(code);
    });
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
    return failed(error, ExplainError, options, cli);
  }
}

/** `santral-hub explain --call`: a followed call's report or JSON on stdout. */
async function explainCallCommand(tenant: string, callId: string, options: ExplainFlags, cli: Cli): Promise<number> {
  const { ExplainError, explainCall } = await import("@santral-hub/core");
  try {
    const explanation = await explainCall({
      configDir: cli.configDir(options.config),
      tenant,
      callId,
      env: cli.io.env,
    });
    cli.io.out(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : callReport(explanation));
    return EXIT.ok;
  } catch (error) {
    return failed(error, ExplainError, options, cli);
  }
}

function failed(error: unknown, known: new (...args: never[]) => { code: string }, options: ExplainFlags, cli: Cli) {
  const code = error instanceof known ? error.code : "error";
  const message = error instanceof Error ? error.message : String(error);
  cli.io.err(`santral-hub explain: ${message}\n`);
  if (options.json) cli.io.out(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  // a step the tenant does not have is a typo on the command line, not a broken tenant
  return code === "unknown_step" ? EXIT.usage : EXIT.tenant;
}
