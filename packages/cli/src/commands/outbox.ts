import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, collect, EXIT, runTool } from "../cli.js";

const HELP = `
The outbox holds the work the hub must not lose: the call events it took, the webhooks it sends, the calls
it writes into the CRMs' history. A job that keeps failing is retried with back-off for outbox.giveUpAfter
(24 h), then kept as dead: list shows why, retry queues it again (once what failed is mended), drop deletes
it for good. It reads the running hub's outbox: its SQLite file in state.dir, or its Redis.

Examples:
  santral-hub outbox list
  santral-hub outbox list --tenant acme --json
  santral-hub outbox retry --tenant acme
  santral-hub outbox drop --id calllog:acme:4dc5c60c-c88f-4718-a924-d0655ded0fab
`;

interface Flags {
  config?: string;
  tenant?: string;
  id: string[];
  json?: boolean;
}

export function registerOutboxCommands(program: Command, cli: Cli): void {
  const outbox = program
    .command("outbox")
    .description("the hub's durable work: waiting and dead jobs, per tenant")
    .addHelpText("after", HELP);
  outbox
    .command("list")
    .description("per tenant, the jobs waiting and dead, the oldest one's age; then each dead job and why")
    .option("--tenant <id>", "one tenant only")
    .option("--json", "print it as JSON, for scripts")
    .option(...CONFIG_OPTION)
    .action(async (options: Omit<Flags, "id">) => {
      await runTool(cli, "outbox list", async (core) => {
        const report = await core.outboxReport({
          configDir: cli.configDir(options.config),
          env: cli.io.env,
          ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
        });
        if (options.json) return cli.io.out(`${JSON.stringify(report, null, 2)}\n`);
        cli.io.out(`Outbox: ${report.where}\n`);
        if (report.tenants.length === 0) cli.io.out("Nothing waiting, nothing dead\n");
        for (const t of report.tenants) {
          const oldest = t.oldestAgeMs > 0 ? `, the oldest waiting ${age(t.oldestAgeMs)}` : "";
          cli.io.out(`${t.tenant}  ${t.queued} queued, ${t.retrying} retrying, ${t.dead} dead${oldest}\n`);
          for (const [kind, k] of Object.entries(t.kinds)) {
            cli.io.out(`  ${kind}: ${k.queued} queued, ${k.retrying} retrying, ${k.dead} dead\n`);
          }
        }
        if (report.dead.length > 0) cli.io.out("\nDead jobs, the latest first:\n");
        for (const job of report.dead) {
          const when = new Date(job.failedAt).toISOString();
          cli.io.out(`${job.id}  ${job.kind}, ${job.attempts} tries, dead since ${when}\n  ${job.lastError}\n`);
        }
      });
    });
  for (const [name, verb, description] of [
    ["retry", "Queued again", "queue dead jobs again, with a fresh back-off (mend what failed first)"],
    ["drop", "Dropped", "delete dead jobs for good: they will not run"],
  ] as const) {
    outbox
      .command(name)
      .description(description)
      .option("--tenant <id>", "every dead job of this tenant")
      .option("--id <job>", "one dead job, by the id list shows (repeat for more)", collect, [])
      .option(...CONFIG_OPTION)
      .action(async (options: Flags) => {
        if ((options.tenant === undefined) === (options.id.length === 0)) {
          cli.io.err(`santral-hub outbox ${name}: give --tenant <id> or --id <job> (one of them)\n`);
          return cli.exit(EXIT.usage);
        }
        await runTool(cli, `outbox ${name}`, async (core) => {
          const target = options.tenant !== undefined ? { tenant: options.tenant } : options.id;
          const where = { configDir: cli.configDir(options.config), env: cli.io.env, target };
          const n = await (name === "retry" ? core.retryDead(where) : core.dropDead(where));
          cli.io.out(`${verb} ${n} dead job${n === 1 ? "" : "s"}\n`);
        });
      });
  }
}

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
