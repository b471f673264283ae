import path from "node:path";
import { Command, CommanderError } from "commander";
import { type Cli, EXIT, type Io } from "./cli.js";
import { registerAgentCommands } from "./commands/agent.js";
import { registerCacheCommands } from "./commands/cache.js";
import { registerCallCommand } from "./commands/call.js";
import { registerCheckCommand } from "./commands/check.js";
import { registerEventsCommands } from "./commands/events.js";
import { registerExplainCommand } from "./commands/explain.js";
import { registerLookupCommand } from "./commands/lookup.js";
import { registerOutboxCommands } from "./commands/outbox.js";
import { registerPluginCommands } from "./commands/plugin.js";
import { registerStartCommand } from "./commands/start.js";
import { registerTenantCommands } from "./commands/tenant.js";

export { type Cli, EXIT, type Io } from "./cli.js";

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
  registerExplainCommand(program, cli);
  registerEventsCommands(program, cli);
  registerAgentCommands(program, cli);
  registerOutboxCommands(program, cli);

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // --help and --version end here too, with exit code 0
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return code;
}
