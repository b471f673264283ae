import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT, portNumber } from "../cli.js";

const HELP = `
Serves the tenants of <config>/tenants on http://<listen.host>:<port>: /t/<tenant>[/<step>] and /call for the
PBX, /healthz and /readyz for a load balancer, /metrics for Prometheus (see hub.yaml's metrics).

A tenant file that changes is applied to the next call; one that breaks is reported and its tenant keeps its
last good config; new and removed files take effect without a restart. SIGHUP reloads at once.
SIGTERM or SIGINT stops it gracefully: no new connections, the calls in flight answered (within
hub.yaml's shutdown.grace), then adapters, Redis and the log closed. A second signal exits at once.

Logs: one JSON line per call on stdout; readable lines when stdout is a terminal (LOG_FORMAT=json|pretty).

Exit codes: 0 stopped by a signal, 1 the hub could not start (hub.yaml broken, port in use), 2 bad usage.

Examples:
  santral-hub start
  santral-hub start --config /etc/santral-hub --port 8080
`;

export function registerStartCommand(program: Command, cli: Cli): void {
  program
    .command("start")
    .description("run the hub: answer calls, reload changed tenant files, stop gracefully on SIGTERM")
    .option(...CONFIG_OPTION)
    .option("--port <n>", "the port to listen on (default: PORT, else hub.yaml's listen.port, 3000)", portNumber)
    .addHelpText("after", HELP)
    .action(async (options: { config?: string; port?: number }) => {
      const { runHub } = await import("@santral-hub/core");
      try {
        const running = await runHub({
          configDir: cli.configDir(options.config),
          env: cli.io.env,
          ...(options.port !== undefined ? { port: options.port } : {}),
        });
        await running.closed;
      } catch (error) {
        cli.io.err(`santral-hub start: ${(error as Error).message}\n`);
        return cli.exit(EXIT.failed);
      }
    });
}
