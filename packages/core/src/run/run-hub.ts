import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadHubConfig } from "../hub/config.js";
import { Hub } from "../hub/hub.js";
import { createLogger, type HubLogger } from "../log.js";
import { metricsEndpoint } from "../metrics/endpoint.js";
import { createApp } from "../server.js";
import { drain, trackRequests } from "./drain.js";
import { watchTenants } from "./watch.js";

export interface RunOptions {
  /** The config directory: `hub.yaml` and the tenants directory. */
  configDir: string;
  /** Overrides hub.yaml's `listen.port` (and PORT); 0 picks a free port. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  log?: HubLogger;
  /** Where plugin packages resolve from; default the working directory and the config directory. */
  resolveFrom?: string[];
  /** SIGTERM and SIGINT shut down, SIGHUP reloads; default true. */
  signals?: boolean;
}

export interface HubProcess {
  hub: Hub;
  url: string;
  /** Where `/metrics` is served when hub.yaml gives it a port of its own. */
  metricsUrl?: string;
  /** Stops accepting, finishes the calls in flight (within `shutdown.grace`), closes adapters, Redis, logs. */
  shutdown(reason?: string): Promise<void>;
  /** Resolves when the hub has shut down. */
  closed: Promise<void>;
}

/** The hub as `santral-hub start` runs it: server, metrics, reload on change and on SIGHUP, graceful stop. */
export async function runHub(opts: RunOptions): Promise<HubProcess> {
  const env = opts.env ?? process.env;
  const config = await loadHubConfig(opts.configDir, env);
  if (opts.port !== undefined) config.listen.port = opts.port;
  const log = opts.log ?? createLogger(config.log.level);
  const hub = await Hub.start({ config, log, env, ...(opts.resolveFrom ? { resolveFrom: opts.resolveFrom } : {}) });
  hub.metrics.collectDefaults();
  let server: Server;
  let metricsServer: Server | undefined;
  try {
    server = await listen(createApp(hub).callback(), config.listen.port, config.listen.host);
    if (config.metrics.port !== undefined) {
      const endpoint = metricsEndpoint(hub);
      metricsServer = await listen(
        (req, res) => {
          if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return void res.writeHead(404).end();
          void endpoint(req.headers.authorization).then((answer) => {
            res.writeHead(answer.status, { ...answer.headers, "Content-Type": answer.type }).end(answer.body);
          });
        },
        config.metrics.port,
        config.listen.host,
      );
    }
  } catch (error) {
    await hub.close();
    throw error;
  }
  const active = trackRequests(server);
  const reload = (why: string) =>
    void hub.reload().catch((error: Error) => log.error({ why, reason: error.message }, "reload failed"));
  const stopWatching = config.reload.watch
    ? watchTenants(config.tenantsDir, () => reload("change"), config.reload.debounce, log)
    : () => {};

  let done: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (reason = "shutdown") => {
    stopping ??= (async () => {
      log.info({ reason, inFlight: active() }, "shutting down: finishing the calls in flight");
      hub.draining = true;
      stopWatching();
      const unfinished = await drain(server, active, config.shutdown.grace);
      if (unfinished > 0) log.warn({ unfinished, graceMs: config.shutdown.grace }, "calls cut short at shutdown");
      metricsServer?.closeAllConnections();
      metricsServer?.close();
      await hub.close();
      log.info({}, "santral-hub stopped");
      await new Promise<void>((resolve) => log.flush(() => resolve()));
      removeSignals();
      done();
    })();
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === "SIGHUP") return reload("SIGHUP");
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    void shutdown(signal);
  };
  const signals: NodeJS.Signals[] = opts.signals === false ? [] : ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const signal of signals) process.on(signal, onSignal);
  const removeSignals = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };

  const url = `http://${displayHost(config.listen.host)}:${(server.address() as AddressInfo).port}`;
  const metricsUrl = metricsServer
    ? `http://${displayHost(config.listen.host)}:${(metricsServer.address() as AddressInfo).port}/metrics`
    : undefined;
  log.info({ url, config: opts.configDir, metrics: metricsUrl ?? `${url}/metrics` }, "santral-hub listening");
  log.flush(); // a supervisor waiting for this line should not wait for the log buffer
  return { hub, url, ...(metricsUrl ? { metricsUrl } : {}), shutdown, closed };
}

function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** `0.0.0.0` listens everywhere; a URL to paste needs an address that answers. */
function displayHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}
