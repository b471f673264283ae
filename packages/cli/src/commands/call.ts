import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { FORMATS, type Format, pbxRequest, send, shown } from "../call-request.js";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";

const HELP = `
Sends one call the way the Netsantral PBX does: the documentation's fields (arayan_no, aranan_no, santral_no,
arama_id, tus_bilgisi) and the tenant's static token, read from its file (or --token), in the format the
panel is set to. Prints the request (the token hidden) and the reply.

With --url, to that running hub. Without, to a hub started in this process on the config directory and
stopped after the call (with a memory cache, its own and empty: every call asks the CRM).

Exit codes: 0 the hub answered "success", 1 it answered an error (its message says why: a wrong token, an
unknown step) or the tenant's file cannot give a token, 2 bad usage, 3 the hub
could not be reached.

Examples:
  santral-hub call demo --caller 05101234567
  santral-hub call demo/musteri --caller 05441000000 --key 10002 --format xml
  santral-hub call demo --caller 05101234567 --format get --url http://127.0.0.1:3000
`;

interface CallFlags {
  caller: string;
  key?: string;
  format: Format;
  url?: string;
  token?: string;
  called?: string;
  config?: string;
  json?: boolean;
}

function target(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]*(?:\/[A-Za-z0-9_-]+)?$/.test(value)) {
    throw new InvalidArgumentError("write TENANT or TENANT/STEP, e.g. demo or demo/musteri");
  }
  return value;
}

export function registerCallCommand(program: Command, cli: Cli): void {
  program
    .command("call")
    .description("send a call as the PBX does, and print the request and the reply")
    .argument("<tenant[/step]>", "the tenant, and a step other than its first", target)
    .requiredOption("--caller <number>", "the caller's number (arayan_no)")
    .option("--key <digits>", "the keys pressed (tus_bilgisi); default none (-1)")
    .addOption(new Option("--format <format>", "how the panel sends it").choices(Object.keys(FORMATS)).default("json"))
    .option("--url <url>", "a running hub, e.g. http://127.0.0.1:3000; default: one started in this process")
    .option("--token <token>", "the tenant's token, when its file is not at hand")
    .option("--called <number>", "the number dialled (aranan_no); default the tenant's first DID")
    .option(...CONFIG_OPTION)
    .option("--json", "print the request and the reply as JSON, for scripts")
    .addHelpText("after", HELP)
    .action(async (where: string, options: CallFlags) => cli.exit(await callCommand(where, options, cli)));
}

async function callCommand(where: string, options: CallFlags, cli: Cli): Promise<number> {
  const { io } = cli;
  const [tenant = "", step] = where.split("/");
  const configDir = cli.configDir(options.config);
  const core = await import("@santral-hub/core");
  let token = options.token;
  let tokenField = "token";
  let called = options.called ?? "";
  try {
    const hub = await core.loadHubConfig(configDir, io.env);
    const config = await core.loadTenantFile(path.join(hub.tenantsDir, `${tenant}.yaml`), io.env);
    token ??= config.token;
    tokenField = config.tokenField;
    called ||= config.dids[0] ?? "";
  } catch (error) {
    if (token === undefined) {
      io.err(`santral-hub call: no token for "${tenant}": ${(error as Error).message}\n(give --token)\n`);
      return EXIT.failed;
    }
  }
  const fields: Record<string, string> = {
    arayan_no: options.caller,
    aranan_no: called,
    santral_no: called,
    arama_id: `cli.${randomBytes(4).toString("hex")}`,
    tus_bilgisi: options.key ?? "-1",
    [tokenField]: token ?? "",
  };
  let local: { url: string; close(): Promise<void> } | undefined;
  try {
    if (!options.url) local = await localHub(configDir, io.env);
    const base = (options.url ?? local?.url ?? "").replace(/\/$/, "");
    const request = pbxRequest(`${base}/t/${tenant}${step ? `/${step}` : ""}`, options.format, fields);
    let reply: Awaited<ReturnType<typeof send>>;
    try {
      reply = await send(request);
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      io.err(`santral-hub call: cannot reach the hub at ${base}: ${cause}\n`);
      return EXIT.unreachable;
    }
    const printed = shown(request, token ?? "");
    const success = reply.status < 300 && /"status"\s*:\s*"success"/.test(reply.text);
    if (options.json) {
      const body = parse(reply.text);
      io.out(`${JSON.stringify({ request: printed, reply: { status: reply.status, ms: reply.ms, body } }, null, 2)}\n`);
    } else {
      io.out(
        [
          `→ ${printed.method} ${printed.url}  (${FORMATS[options.format]})`,
          ...(printed.contentType ? [`  Content-Type: ${printed.contentType}`] : []),
          ...(printed.body ? [`  ${printed.body}`] : []),
          `← ${reply.status} in ${reply.ms} ms`,
          `  ${reply.text}`,
          "",
        ].join("\n"),
      );
    }
    return success ? EXIT.ok : EXIT.failed;
  } finally {
    await local?.close();
  }
}

/** The hub on the config directory, in this process, on a loopback port of its own. */
async function localHub(configDir: string, env: NodeJS.ProcessEnv): Promise<{ url: string; close(): Promise<void> }> {
  const { createApp, createLogger, Hub, loadHubConfig } = await import("@santral-hub/core");
  const config = await loadHubConfig(configDir, env);
  const hub = await Hub.start({ config, log: createLogger("silent"), env });
  const server = createApp(hub).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await hub.close();
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
