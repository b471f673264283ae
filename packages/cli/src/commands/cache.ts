import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";

const PURGE_HELP = `
Drops the tenant's cached answers from the shared Redis cache (every hub node on it sees the change): one
number's, in every form it was stored under and every CRM config the tenant had, or all of them. The next
call for the number asks the CRM. A memory cache lives inside each running hub: restart the hub to empty it.

Exit codes: 0 purged (0 or more entries), 1 the hub uses a memory cache, 2 bad usage (a number that does not
parse), 3 Redis could not be reached.

Examples:
  santral-hub cache purge acme 05441000000
  santral-hub cache purge acme
`;

export function registerCacheCommands(program: Command, cli: Cli): void {
  const cache = program.command("cache").description("manage the shared cache of CRM answers");
  cache
    .command("purge")
    .description("drop a tenant's cached answers, or one number's")
    .argument("<tenant>", "the tenant id")
    .argument("[number...]", "the caller's number, in any form; default: every number of the tenant")
    .option(...CONFIG_OPTION)
    .addHelpText("after", PURGE_HELP)
    .action(async (tenant: string, number: string[], options: { config?: string }) => {
      const { purgeCache, ToolError } = await import("@santral-hub/core");
      const phone = number.length > 0 ? number.join(" ") : undefined;
      try {
        const { purged } = await purgeCache({
          configDir: cli.configDir(options.config),
          tenant,
          ...(phone ? { number: phone } : {}),
          env: cli.io.env,
        });
        const what = phone ? `of ${phone}` : "";
        cli.io.out(
          `Purged ${purged} cached answer${purged === 1 ? "" : "s"} of tenant ${tenant} ${what}\n`.replace(" \n", "\n"),
        );
        cli.exit(EXIT.ok);
      } catch (error) {
        cli.io.err(`santral-hub cache purge: ${(error as Error).message}\n`);
        const code = error instanceof ToolError ? error.code : "";
        cli.exit(code === "bad_number" ? EXIT.usage : code === "unreachable" ? EXIT.unreachable : EXIT.failed);
      }
    });
}
