import type { Io } from "./program.js";
import { report } from "./report.js";

export interface ExplainArgs {
  tenant: string;
  number: string;
  configDir: string;
  customerNumber?: string;
  step?: string;
  json?: boolean;
}

/** `santral-hub explain`: the report or JSON on stdout; a tenant that cannot be explained, on stderr. */
export async function explainCommand(args: ExplainArgs, io: Io): Promise<number> {
  // loaded here, not at the top: the hub's modules take a second or two, which --help need not wait for
  const { ExplainError, explain } = await import("@santral-hub/core");
  try {
    const explanation = await explain({
      configDir: args.configDir,
      tenant: args.tenant,
      number: args.number,
      ...(args.customerNumber !== undefined ? { customerNumber: args.customerNumber } : {}),
      ...(args.step !== undefined ? { step: args.step } : {}),
      env: io.env,
    });
    io.out(args.json ? `${JSON.stringify(explanation, null, 2)}\n` : report(explanation));
    return 0;
  } catch (error) {
    const code = error instanceof ExplainError ? error.code : "error";
    const message = error instanceof Error ? error.message : String(error);
    io.err(`santral-hub explain: ${message}\n`);
    if (args.json) io.out(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    // a step the tenant does not have is a typo on the command line, not a broken tenant
    return code === "unknown_step" ? 2 : 1;
  }
}
