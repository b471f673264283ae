import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO } from "./hub.js";

// `santral-hub` as an operator runs it: the bin, spawned on Node, on real files in a temp directory.

export const BIN = path.join(REPO, "packages", "cli", "bin", "santral-hub.js");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a command runs in: the caller's, less what would point it at the repo's own config. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { CONFIG_DIR: _c, PORT: _p, METRICS_PORT: _m, REDIS_URL: _r, LOG_FORMAT: _f, ...env } = process.env;
  return { ...env, ...extra };
}

/**
 * Any process to its end, outside vitest's environment (a vitest it starts must not think it is a worker,
 * nor a package manager that it runs in a script of ours).
 */
export function runProcess(command: string, args: string[], cwd: string): Promise<Run> {
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("npm_")),
    ),
    NO_COLOR: "1",
  };
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Runs one command to its end. */
export function santralHub(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? REPO, env: cleanEnv(opts.env), timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface StartedHub {
  url: string;
  /** Where it serves /metrics: a free port of its own, unless its hub.yaml says `metrics.port: call`. */
  metricsUrl: string;
  child: ChildProcess;
  /** Everything the hub printed so far (its log lines). */
  output(): string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `santral-hub start` on `configDir`, on free ports (call and metrics); resolves once it has read every tenant
 * file and started every tenant (`/readyz` says when; the hub answers `/healthz` before that).
 */
export async function startCli(
  configDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<StartedHub> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, "start", "--config", configDir, "--port", String(port), ...extraArgs], {
    cwd: REPO,
    env: cleanEnv({ METRICS_PORT: "0", ...env }), // hubs started side by side must not all take the default 9464
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`santral-hub start exited with ${child.exitCode}:\n${output}`);
    const loaded = await fetch(`${url}/readyz`).then(
      async (r) => ((await r.json()) as { reloaded: string | null }).reloaded !== null,
      () => false,
    );
    if (loaded) break;
    if (Date.now() > until) throw new Error(`santral-hub start did not load its tenants:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const metricsUrl = await eventually(
    async () => /"metrics":"([^"]+)"/.exec(output)?.[1],
    "the hub's listening line, with its metrics address",
  );
  // and the lines of its first pass (a file that did not load is logged before it)
  await eventually(async () => (output.includes('"msg":"tenants loaded"') ? true : undefined), "its tenants' line");
  return {
    url,
    metricsUrl,
    child,
    output: () => output,
    exited,
    stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A config directory in a temp dir: the demo's CSV, `hub.yaml` as given, and these tenant files. */
export async function tempConfig(hubYaml: string, tenants: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "santral-ops-"));
  await mkdir(path.join(dir, "tenants"));
  await cp(path.join(REPO, "config", "data"), path.join(dir, "data"), { recursive: true });
  await writeFile(path.join(dir, "hub.yaml"), hubYaml);
  for (const [id, text] of Object.entries(tenants)) await writeFile(path.join(dir, "tenants", `${id}.yaml`), text);
  return dir;
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The demo tenant's file, as another tenant: its id, token and DIDs changed, its CSV shared. */
export async function demoTenant(id: string, token: string, dids: string[] = []): Promise<string> {
  const demo = await readFile(path.join(REPO, "config", "tenants", "demo.yaml"), "utf8");
  return demo
    .replace(/^id: demo.*$/m, `id: ${id}`)
    .replace(/^token: .*$/m, `token: ${token}`)
    .replace(/^dids: .*$/m, `dids: ${JSON.stringify(dids)}`);
}
