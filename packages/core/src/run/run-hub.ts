import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadHubConfig, METRICS_PORT } from "../hub/config.js";
import { Hub } from "../hub/hub.js";
import { createLogger, type HubLogger } from "../log.js";
import { metricsEndpoint } from "../metrics/endpoint.js";
import { refusalsFor } from "../refusals.js";
import { createApp } from "../server.js";
import { guardConnections, serverOptions } from "./connections.js";
import { drain, trackRequests } from "./drain.js";
import { watchTenants } from "./watch.js";

export interface RunOptions {
  /** The config directory: `hub.yaml` and the tenants directory. */
  configDir: string;
  /** Overrides hub.yaml's `listen.port` (and PORT); 0 picks a free port. */
  port?: number;
  /**
   * Overrides hub.yaml's `metrics.port` (and METRICS_PORT); 0 picks a free port. With `port: 0` and the
   * default metrics port, the metrics port is a free one too: hubs started side by side (tests) do not collide.
   */
  metricsPort?: number | "call";
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
  /** Where `/metrics` is served when it has a port of its own (the default). */
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
  if (opts.metricsPort !== undefined) config.metrics.port = opts.metricsPort;
  else if (opts.port === 0 && config.metrics.port === METRICS_PORT) config.metrics.port = 0;
  const log = opts.log ?? createLogger(config.log.level);
  const resolveFrom = opts.resolveFrom ? { resolveFrom: opts.resolveFrom } : {};
  // listens while the tenants load: a call to one still loading gets its step's fallback, not a refusal
  const hub = await Hub.start({ config, log, env, follow: true, wait: false, ...resolveFrom });
  hub.metrics.collectDefaults();
  const metricsHost = config.metrics.port === "call" ? config.listen.host : config.metrics.host;
  if (config.metrics.token === undefined && !isLoopback(metricsHost)) {
    log.warn(
      { host: metricsHost, port: config.metrics.port },
      "/metrics is served beyond loopback without metrics.token: whoever reaches it can list the tenants",
    );
  }
  const server = createServer(serverOptions(config.connections), createApp(hub).callback());
  guardConnections(server, config.connections, log, hub.metrics);
  const active = trackRequests(server);
  let metricsServer: Server | undefined;
  try {
    await listen(server, config.listen.port, config.listen.host, "listen.port (or PORT, --port)");
    if (config.metrics.port !== "call") {
      const endpoint = metricsEndpoint(hub);
      metricsServer = createServer(serverOptions(config.connections), (req, res) => {
        if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return void res.writeHead(404).end();
        void endpoint(req.headers.authorization).then(
          (answer) => res.writeHead(answer.status, { ...answer.headers, "Content-Type": answer.type }).end(answer.body),
          () => res.writeHead(500).end(),
        );
      });
      await listen(metricsServer, config.metrics.port, config.metrics.host, "metrics.port (or METRICS_PORT)");
    }
  } catch (error) {
    if (server.listening) server.close();
    await hub.close();
    throw error;
  }
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
      log.info({ reason, inFlight: active.active() }, "shutting down: finishing the calls in flight");
      hub.draining = true;
      stopWatching();
      hub.follow?.pages?.close(); // an agent's event stream never ends by itself: the drain would wait it out
      const { cut, uploads } = await drain(server, active, config.shutdown.grace);
      if (cut > 0) log.warn({ unfinished: cut, graceMs: config.shutdown.grace }, "calls cut short at shutdown");
      if (uploads > 0) log.info({ uploads }, "slow uploads closed at shutdown: their bodies had not arrived");
      refusalsFor(log).flush();
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
    ? `http://${displayHost(config.metrics.host)}:${(metricsServer.address() as AddressInfo).port}/metrics`
    : undefined;
  log.info({ url, config: opts.configDir, metrics: metricsUrl ?? `${url}/metrics` }, "santral-hub listening");
  log.flush(); // a supervisor waiting for this line should not wait for the log buffer
  return { hub, url, ...(metricsUrl ? { metricsUrl } : {}), shutdown, closed };
}

/** Listens; a port in use or not allowed says which setting chose it. */
function listen(server: Server, port: number, host: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE" ? "is in use by another process" : `cannot be listened on (${error.code})`;
      reject(new Error(`${host}:${port} ${why}: change hub.yaml's ${setting}. ${error.message}`));
    };
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** `0.0.0.0` listens everywhere; a URL to paste needs an address that answers. */
function displayHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}
