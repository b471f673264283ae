// Start-up cases of `pnpm bench`: `santral-hub start` as a reseller runs it, timed from spawn to its
// "listening" line and to its "tenants loaded" line, with its RSS once loaded, against a bare Koa hello
// started the same way in the same run.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "packages", "cli", "bin", "santral-hub.js");

export interface Started {
  /** ms from spawn to listening. */
  listen: number;
  /** ms from spawn to every tenant loaded (the koa baseline: to listening). */
  ready: number;
  /** MB resident once loaded. */
  rss: number;
}

/** A config directory of `n` tenants, each the demo tenant on a CSV of its own, with its own id, token, DID. */
export function manyTenants(dir: string, n: number): string {
  mkdirSync(path.join(dir, "tenants"), { recursive: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const demo = readFileSync(path.join(ROOT, "config", "tenants", "demo.yaml"), "utf8");
  // the load of the reload case comes from one tenant: its call budget is checked on every call, never hit
  writeFileSync(path.join(dir, "hub.yaml"), "log: { level: info }\nrateLimit: { perSecond: 1000000 }\n");
  for (let i = 0; i < n; i++) {
    const id = `t${String(i).padStart(4, "0")}`;
    copyFileSync(path.join(ROOT, "config", "data", "demo.csv"), path.join(dir, "data", `${id}.csv`));
    const text = demo
      .replace(/^id: demo.*$/m, `id: ${id}`)
      .replace(/^token: .*$/m, `token: demo-token-2026`)
      .replace(/^dids: .*$/m, `dids: ["850${1_000_000 + i}"]`)
      .replace("../data/demo.csv", `../data/${id}.csv`);
    writeFileSync(path.join(dir, "tenants", `${id}.yaml`), text);
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process, in MB (Linux). */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round(Number(kb) / 1024);
}

/** Spawns `args` and times it to the line matching `listening`, then `ready` (both from the process's stdout). */
async function timeStart(args: string[], listening: RegExp, ready: RegExp): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), METRICS_PORT: "0", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let out = "";
    const at: Partial<Started> = {};
    await new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${out}`)));
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const now = Math.round(performance.now() - started);
        if (at.listen === undefined && listening.test(out)) at.listen = now;
        if (at.listen !== undefined && ready.test(out)) {
          at.ready = now;
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // what the first calls would find
    return { listen: at.listen ?? 0, ready: at.ready ?? 0, rss: rssOf(child.pid ?? 0) };
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGKILL");
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The median of `runs` starts of each. */
async function medianStart(runs: number, start: () => Promise<Started>): Promise<Started> {
  const all: Started[] = [];
  for (let i = 0; i < runs; i++) all.push(await start());
  return {
    listen: median(all.map((s) => s.listen)),
    ready: median(all.map((s) => s.ready)),
    rss: median(all.map((s) => s.rss)),
  };
}

/** `santral-hub start` on `configDir`. */
export function hubStart(configDir: string, runs = 3): Promise<Started> {
  return medianStart(runs, () =>
    timeStart([BIN, "start", "--config", configDir], /"msg":"santral-hub listening"/, /"msg":"tenants loaded"/),
  );
}

/** The bare Koa hello of the baselines, started the same way. */
export function koaStart(runs = 3): Promise<Started> {
  const script = path.join(import.meta.dirname, "servers", "koa-hello.js");
  return medianStart(runs, () => timeStart([script, "--print"], /listening/, /listening/));
}
