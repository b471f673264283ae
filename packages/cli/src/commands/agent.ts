import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, collect, EXIT, runTool } from "../cli.js";

const LINK_HELP = `
Prints a personal sign-in link for one agent: the extension whose calls they see (and, with --queue, the
calls of those queues too). The agent opens it once on their phone or computer; it is exchanged for a
session (a cookie) and cannot be used again. The link is kept only as a hash: it is shown once, here.
The hub must be reachable at hub.yaml's publicUrl (else http://127.0.0.1:<listen.port> is printed).

Examples:
  santral-hub agent link acme --extension 101
  santral-hub agent link acme --extension 102 --queue satis --queue destek
`;

const REVOKE_HELP = `
Revokes a link by its id (santral-hub agent list shows them), or every link of an extension; the sessions
they opened end at once, and an open page stops receiving calls.

Examples:
  santral-hub agent revoke acme --extension 101
  santral-hub agent revoke acme --link 3f2a9c
`;

interface Flags {
  config?: string;
}

export function registerAgentCommands(program: Command, cli: Cli): void {
  const agent = program.command("agent").description("the agents' live call page: sign-in links");
  agent
    .command("link")
    .description("print a one-time sign-in link for an agent's live call page")
    .argument("<tenant>", "the tenant id")
    .requiredOption("--extension <ext>", "the agent's extension")
    .option("--queue <name>", "a queue whose calls the agent sees too (repeat for more)", collect, [])
    .option("--ttl <duration>", "how long the link can be used, e.g. 1h, 2d (default hub.yaml's agent.linkTtl)")
    .option(...CONFIG_OPTION)
    .addHelpText("after", LINK_HELP)
    .action(async (tenant: string, options: Flags & { extension: string; queue: string[]; ttl?: string }) => {
      const ttlMs = options.ttl === undefined ? undefined : durationMs(options.ttl);
      if (Number.isNaN(ttlMs)) {
        cli.io.err(`santral-hub agent link: --ttl "${options.ttl}" is not a duration; write 30m, 12h or 7d\n`);
        return cli.exit(EXIT.usage);
      }
      await runTool(cli, "agent link", async (core) => {
        const link = await core.createAgentLink({
          configDir: cli.configDir(options.config),
          env: cli.io.env,
          tenant,
          extension: options.extension,
          queues: options.queue,
          ...(ttlMs !== undefined ? { ttlMs } : {}),
        });
        const queues = options.queue.length > 0 ? ` and queue ${options.queue.join(", ")}` : "";
        cli.io.out(
          `Sign-in link for extension ${options.extension}${queues} of ${tenant} (link ${link.id}, usable once, ` +
            `until ${new Date(link.expiresAt).toISOString()}):\n${link.url}\n`,
        );
      });
    });
  agent
    .command("revoke")
    .description("revoke an agent's links and end their sessions")
    .argument("<tenant>", "the tenant id")
    .option("--extension <ext>", "every link of this extension")
    .option("--link <id>", "one link, by the id `agent list` shows")
    .option(...CONFIG_OPTION)
    .addHelpText("after", REVOKE_HELP)
    .action(async (tenant: string, options: Flags & { extension?: string; link?: string }) => {
      if ((options.extension === undefined) === (options.link === undefined)) {
        cli.io.err("santral-hub agent revoke: give --extension <ext> or --link <id> (one of them)\n");
        return cli.exit(EXIT.usage);
      }
      await runTool(cli, "agent revoke", async (core) => {
        const where = { configDir: cli.configDir(options.config), env: cli.io.env, tenant };
        const n = await core.revokeAgentLinks(
          options.link !== undefined
            ? { ...where, linkId: options.link }
            : { ...where, extension: options.extension ?? "" },
        );
        cli.io.out(`Revoked ${n} link${n === 1 ? "" : "s"} of ${tenant}; their sessions have ended\n`);
      });
    });
  agent
    .command("list")
    .description("list a tenant's sign-in links (never their secrets)")
    .argument("<tenant>", "the tenant id")
    .option(...CONFIG_OPTION)
    .action(async (tenant: string, options: Flags) => {
      await runTool(cli, "agent list", async (core) => {
        const links = await core.listAgentLinks({ configDir: cli.configDir(options.config), env: cli.io.env, tenant });
        if (links.length === 0) return cli.io.out(`No links for ${tenant}\n`);
        for (const link of links) {
          const state = link.revokedAt
            ? "revoked"
            : link.usedAt
              ? "signed in"
              : link.expiresAt < Date.now()
                ? "expired"
                : "not used yet";
          const queues = link.queues.length > 0 ? ` queues ${link.queues.join(",")}` : "";
          cli.io.out(
            `${link.id}  extension ${link.extension}${queues}  ${state}  created ${new Date(link.createdAt).toISOString()}\n`,
          );
        }
      });
    });
}

/** `30m`, `12h`, `7d` in ms; NaN when it is not one. */
function durationMs(text: string): number {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "ms") as "ms"];
  return Number(m[1]) * unit;
}
