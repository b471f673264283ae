import type { CacheState, LookupResult } from "@santral-hub/core";
import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";

const HELP = `
Asks the tenant's CRM directly for NUMBER (no cache, waiting up to the tenant's cache.lookupLimit), keeps
the records that really carry the number and picks one by the tenant's match policy, as a call would.
Prints the contact found, the time the CRM took, and the number's entry in the shared cache (Redis): fresh,
stale or absent. A memory cache lives inside each running hub and cannot be seen from here.

Names and numbers are printed in full: it is the operator's tool, unlike the hub's logs.

Exit codes: 0 found or not found, 1 tenant unknown or broken, 2 bad usage (a number that does not parse),
3 the CRM could not tell (error or no answer in time).

Examples:
  santral-hub lookup demo 05101234567
  santral-hub lookup acme "+90 212 333 00 00" --json
`;

export function registerLookupCommand(program: Command, cli: Cli): void {
  program
    .command("lookup")
    .description("look NUMBER up in the tenant's CRM: the contact, the time taken, the cache state")
    .argument("<tenant>", "the tenant id")
    .argument("<number...>", "the caller's number, in any form, spaces allowed")
    .option(...CONFIG_OPTION)
    .option("--json", "print the result as JSON, for scripts")
    .addHelpText("after", HELP)
    .action(async (tenant: string, number: string[], options: { config?: string; json?: boolean }) => {
      const { ExplainError, lookupNumber, ToolError } = await import("@santral-hub/core");
      try {
        const result = await lookupNumber({
          configDir: cli.configDir(options.config),
          tenant,
          number: number.join(" "),
          env: cli.io.env,
        });
        cli.io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
        cli.exit(result.error ? EXIT.unreachable : EXIT.ok);
      } catch (error) {
        cli.io.err(`santral-hub lookup: ${(error as Error).message}\n`);
        if (error instanceof ToolError) return cli.exit(EXIT.usage);
        cli.exit(error instanceof ExplainError ? EXIT.tenant : EXIT.failed);
      }
    });
}

function describe(r: LookupResult): string {
  const label = (l: string) => l.padEnd(9);
  const c = r.contact;
  const facts = c && [
    c.company,
    c.vip && "VIP",
    c.owner && `owner ${[c.owner.name, c.owner.extension].filter(Boolean).join(" ")}`,
  ];
  const found = r.error
    ? `could not tell: ${r.error.kind}: ${r.error.message}`
    : c
      ? `${c.id} ${c.name}${facts?.some(Boolean) ? ` (${facts.filter(Boolean).join(", ")})` : ""}`
      : r.ambiguous
        ? `nobody: ${r.kept} records carry the number and the match policy could not pick one`
        : "nobody: not found";
  const records = `${r.returned} record${r.returned === 1 ? "" : "s"} returned, ${r.kept} kept`;
  return [
    `tenant ${r.tenant} · ${r.plugin} · ${r.number} → ${r.e164}`,
    `${label("Found")}${found}`,
    `${label("CRM")}${r.error ? "" : `${records}, `}in ${r.ms} ms`,
    `${label("Cache")}${cache(r.cache)}`,
    "",
  ].join("\n");
}

function cache(s: CacheState): string {
  switch (s.state) {
    case "not_shared":
      return "memory: it lives inside each running hub, and cannot be seen from here";
    case "unreachable":
      return "redis: not reachable";
    case "absent":
      return "redis: no entry (the next call asks the CRM)";
    default: {
      const what = s.records === 0 ? "a cached not-found" : `${s.records} record${s.records === 1 ? "" : "s"}`;
      const span = duration(s.forMs ?? 0);
      return s.state === "fresh"
        ? `redis: fresh for ${span} (${what})`
        : `redis: stale, served while refreshed for ${span} more (${what})`;
    }
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
