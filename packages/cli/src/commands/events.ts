import path from "node:path";
import type { Command } from "commander";
import { pbxRequest, send } from "../call-request.js";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";

const SIMULATE_HELP = `
Plays one call against a running hub, as the tenant's PBX would: the routing call (the hub's answer decides
where it goes), then the call's events on the event webhook (/t/<tenant>/events?token=...), in the PBX's
own format and order: ringing, queued, answered, the call record. An agent whose page is open for that
extension or queue sees the card; the tenant's webhooks get each event.

Examples:
  santral-hub events simulate demo --url http://127.0.0.1:3000
  santral-hub events simulate acme --url https://hub.example.com --caller 05441000000 --extension 102
`;

interface Flags {
  url: string;
  caller: string;
  extension?: string;
  queue?: string;
  talk: string;
  gap: string;
  token?: string;
  config?: string;
}

export function registerEventsCommands(program: Command, cli: Cli): void {
  const events = program.command("events").description("the PBX's call events");
  events
    .command("simulate")
    .description("send a routing call and its events to a running hub")
    .argument("<tenant>", "the tenant id")
    .requiredOption("--url <url>", "the running hub, e.g. http://127.0.0.1:3000")
    .option("--caller <number>", "the caller's number, in any form", "05101234567")
    .option("--extension <ext>", "the extension that answers; default where the hub routed the call")
    .option("--queue <name>", "the queue the call waits in; default the one the hub routed it to, if any")
    .option("--talk <seconds>", "how long the call lasts", "42")
    .option("--gap <ms>", "pause between two events", "300")
    .option("--token <token>", "the tenant's token, when its file is not at hand")
    .option(...CONFIG_OPTION)
    .addHelpText("after", SIMULATE_HELP)
    .action(async (tenant: string, options: Flags) => cli.exit(await simulate(tenant, options, cli)));
}

async function simulate(tenant: string, options: Flags, cli: Cli): Promise<number> {
  const { io } = cli;
  const core = await import("@santral-hub/core");
  let token = options.token;
  let dialect = core.DEFAULT_DIALECT;
  let called = "8500000000";
  let tokenField = "token";
  try {
    const hub = await core.loadHubConfig(cli.configDir(options.config), io.env);
    const config = await core.loadTenantFile(path.join(hub.tenantsDir, `${tenant}.yaml`), io.env);
    token ??= config.token;
    dialect = config.dialect;
    tokenField = config.tokenField;
    called = config.dids[0] ?? called;
  } catch (error) {
    if (token === undefined) {
      io.err(`santral-hub events simulate: no token for "${tenant}": ${(error as Error).message}\n(give --token)\n`);
      return EXIT.failed;
    }
  }
  const talkSec = Number(options.talk);
  const gapMs = Number(options.gap);
  if (!Number.isInteger(talkSec) || talkSec < 0 || !Number.isInteger(gapMs) || gapMs < 0) {
    io.err("santral-hub events simulate: --talk and --gap take whole numbers\n");
    return EXIT.usage;
  }
  const base = options.url.replace(/\/+$/, "");
  const startedAt = Date.now();
  const callId = `${Math.floor(startedAt / 1000)}.${Math.floor(Math.random() * 100_000)}`;
  try {
    // the routing call, as the panel's Custom Integration sends it
    const routing = pbxRequest(`${base}/t/${tenant}`, "form", {
      arayan_no: options.caller,
      aranan_no: called,
      santral_no: called,
      arama_id: callId,
      tus_bilgisi: "-1",
      [tokenField]: token ?? "",
    });
    const answer = await send(routing);
    io.out(`→ routing call ${callId}: ${answer.status} ${answer.text}\n`);
    if (answer.status >= 300) return EXIT.failed;
    const routed = parse(answer.text);
    const extension =
      options.extension ?? (routed.result === "extensions" && routed.redirect ? routed.redirect : "101");
    const queue = options.queue ?? (routed.result === "queue" ? routed.redirect : undefined);
    const bodies = dialect.exampleEvents({
      callId,
      caller: options.caller,
      called,
      extension,
      ...(queue ? { queue } : {}),
      talkSec,
      startedAt,
    });
    const url = `${base}/t/${tenant}/events?token=${encodeURIComponent(token ?? "")}`;
    for (const body of bodies) {
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      const reply = await send({ method: "POST", url, contentType: "application/json", body: JSON.stringify(body) });
      io.out(`→ event ${String(body.scenario)}: ${reply.status} ${reply.text}\n`);
      if (reply.status >= 300) return EXIT.failed;
    }
    return EXIT.ok;
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    io.err(`santral-hub events simulate: cannot reach the hub at ${base}: ${cause}\n`);
    return EXIT.unreachable;
  }
}

function parse(text: string): { result?: string; redirect?: string } {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as { result?: string; redirect?: string }) : {};
  } catch {
    return {};
  }
}
