import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "./helpers/cli.js";
import { REPO } from "./helpers/hub.js";

// The deployment files as a reseller uses them, as far as this machine can run them: it has no container
// engine, and systemd is not PID 1. The Dockerfile is linted and deploy/build.sh runs its steps on a clean
// copy of the tree, then starts the hub as `docker run` would and checks it; the systemd unit goes through
// systemd-analyze. A tool that is missing fails the test with what to install: none is skipped.

const DOCKERFILE = path.join(REPO, "Dockerfile");
const UNIT = path.join(REPO, "deploy", "santral-hub.service");

/** A process to its end, outside vitest's environment (a child pnpm or vitest must not think it is ours). */
function exec(command: string, args: string[], timeout = 60_000): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("npm_")),
  );
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A command on this machine's PATH, or an error that says which package brings it. */
async function tool(name: string, install: string): Promise<string> {
  const found = await exec("sh", ["-c", `command -v ${name}`]);
  if (found.code !== 0) throw new Error(`${name} is not installed here: ${install} (.ci/run installs it)`);
  return found.stdout.trim();
}

/** The Dockerfile linter, a devDependency of the workspace root. */
function linter(): string {
  try {
    const manifest = createRequire(path.join(REPO, "package.json")).resolve("dockerfile-utils/package.json");
    return path.join(path.dirname(manifest), "bin", "dockerfile-utils");
  } catch {
    throw new Error(
      "dockerfile-utils is not installed: it is a devDependency of the root (pnpm add -Dw dockerfile-utils)",
    );
  }
}

interface Stage {
  name: string;
  from: string;
  env: Record<string, string>;
  workdir: string;
  user: string;
  volumes: string[];
  expose: string[];
  healthcheck?: { test: string[]; interval: number; timeout: number; startPeriod: number };
  entrypoint?: string[];
  cmd?: string[];
  steps: { keyword: string; rest: string }[];
}

async function parsed(): Promise<Stage[]> {
  const out = await exec(process.execPath, [path.join(REPO, "deploy", "dockerfile.mjs"), "parse", DOCKERFILE]);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout).stages;
}

describe("the Dockerfile", () => {
  it("passes the linter, which does flag a broken one", async () => {
    const bin = linter();
    const lint = await exec(process.execPath, [bin, "lint", "--json", DOCKERFILE]);
    expect(lint.stderr).toBe("");
    expect(JSON.parse(lint.stdout)).toEqual([]); // warnings too
    expect(lint.code).toBe(0);

    // the same file with two mistakes: the linter reads what it is given
    const dir = await mkdtemp(path.join(tmpdir(), "santral-lint-"));
    try {
      const broken = (await readFile(DOCKERFILE, "utf8"))
        .replace("--interval=30s", "--interval=30")
        .replace('CMD ["start"]', "CMD ['start']");
      await writeFile(path.join(dir, "Dockerfile"), broken);
      const flagged = await exec(process.execPath, [bin, "lint", "--json", path.join(dir, "Dockerfile")]);
      const messages = JSON.parse(flagged.stdout).map((d: { message: string }) => d.message);
      expect(messages).toContain("time: missing unit in duration 30");
      expect(messages.some((m: string) => /single quotes/.test(m))).toBe(true);
      expect(flagged.code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("builds on Node 20 slim and runs the hub's bin with node, as a non-root user under tini", async () => {
    const stages = await parsed();
    expect(stages.map((s) => s.name)).toEqual(["build", "runtime"]);
    const engines = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")).engines.node;
    const [, minor] = /^>=20\.(\d+)$/.exec(engines) ?? [];
    for (const stage of stages) {
      const [, patchMinor] = /^node:20\.(\d+)\.\d+-bookworm-slim$/.exec(stage.from) ?? [];
      expect(stage.from).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
      expect(Number(patchMinor)).toBeGreaterThanOrEqual(Number(minor));
    }
    const runtime = stages[1] as Stage;
    expect(runtime.user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.env.NODE_ENV).toBe("production");
    expect(runtime.entrypoint).toEqual(["/usr/bin/tini", "--", "node", "packages/cli/bin/santral-hub.js"]);
    expect(runtime.cmd).toEqual(["start"]);
    expect(existsSync(path.join(REPO, "packages/cli/bin/santral-hub.js"))).toBe(true);
    // tenants and state on volumes of their own, found by the hub through its environment
    expect(runtime.volumes).toEqual([runtime.env.CONFIG_DIR, runtime.env.SANTRAL_STATE_DIR]);
    expect(runtime.expose).toEqual(["3000", "9464"]);
    expect(runtime.healthcheck?.test).toEqual(["node", "deploy/healthcheck.mjs"]);
    // the runtime installs nothing with pnpm or npm: it gets the build stage's production install
    expect(runtime.steps.filter((s) => s.keyword === "RUN" && /\b(pnpm|npm)\b/.test(s.rest))).toEqual([]);
  });
});

describe("deploy/build.sh: the Dockerfile's steps, then the hub as the image runs it", () => {
  let work: string;
  let run: Run;
  // biome-ignore lint/suspicious/noExplicitAny: report.json, as deploy/dockerfile.mjs writes it
  let report: any;

  beforeAll(async () => {
    await tool("tini", "apt-get install tini");
    await tool("setpriv", "apt-get install util-linux");
    work = await mkdtemp(path.join(tmpdir(), "santral-deploy-"));
    // ~50 s alone, mostly the install and tsc; at a lower priority, so that the tests running beside it keep
    // their timing
    run = await exec("nice", ["-n", "10", "bash", path.join(REPO, "deploy", "build.sh"), work], 280_000);
    const file = path.join(work, "report.json");
    if (!existsSync(file))
      throw new Error(`deploy/build.sh wrote no report (exit ${run.code}):\n${run.stdout}${run.stderr}`);
    report = JSON.parse(await readFile(file, "utf8"));
  }, 300_000);
  afterAll(async () => {
    await exec("chmod", ["-R", "u+w", work]); // the config volume is read-only, as a `:ro` mount
    await rm(work, { recursive: true, force: true });
  });

  it("runs every build step of the Dockerfile on a clean copy of the tree, and each of its checks holds", async () => {
    const failed = (report.checks ?? []).filter((c: { ok: boolean }) => !c.ok);
    expect(report.error, run.stdout.slice(-4000) + run.stderr).toBeUndefined();
    expect(failed).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.context.files).toBeGreaterThan(50);
    // the build stage's RUN lines as written, less the machine's setup (apt-get, pnpm itself), checked instead
    const build = (await parsed())[0] as Stage;
    const steps = build.steps
      .filter((s) => s.keyword === "RUN")
      .map((s) => s.rest.replace(/^(--\S+\s+)+/, "").replace(/\s+/g, " "))
      .filter((text) => !/^(apt-get|npm install -g) /.test(text));
    expect(steps).toContain("pnpm install --prod --frozen-lockfile --offline");
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual([
      "build context (.dockerignore applied)",
      ...steps.map((text) => `RUN ${text}`),
    ]);
    for (const built of ["packages/cli/dist/main.js", "packages/core/dist/index.js", "plugins/csv/dist/index.js"]) {
      expect(existsSync(path.join(work, "runtime", "app", built)), built).toBe(true);
    }
  });

  it("answers /healthz and the README's example call", () => {
    expect(report.healthz).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(report.call.status).toBe(200);
    expect(report.call.body).toMatchObject({ status: "success", result: "extensions", redirect: "101" });
    expect(report.call.body.data).toMatch(/^Sayın A\*\* Y\*\* hoş geldiniz/);
  });

  it("runs node under tini as the image's user, with NODE_ENV=production", () => {
    const { tini, node } = report.process;
    expect(tini.argv).toEqual(["/usr/bin/tini", "--", "node", "packages/cli/bin/santral-hub.js", "start"]);
    expect(node.argv).toEqual(["node", "packages/cli/bin/santral-hub.js", "start"]);
    expect(node.cwd).toBe(path.join(work, "runtime", "app"));
    if (process.getuid?.() === 0) expect([node.uid, node.gid]).toEqual([1000, 1000]);
    expect(node.uid).not.toBe(0);
    expect(node.env.NODE_ENV).toBe("production");
    expect(node.env.CONFIG_DIR).toBe(path.join(work, "runtime", "etc", "santral-hub"));
    expect(report.state.files).toEqual(expect.arrayContaining(["outbox.sqlite", "calls.sqlite"]));
  });

  it("reloads on SIGHUP, drains and exits 0 on SIGTERM, and its health check fails once it is down", () => {
    expect(report.sighup.after).not.toBe(report.sighup.before);
    expect(report.stop).toMatchObject({ code: 0, signal: null, stoppedLine: true });
    expect(report.healthcheck.afterStop.code).toBe(1);
    expect(report.healthcheck.afterStop.stderr).toMatch(/ECONNREFUSED/);
  });

  it("ships no build or test tool: the production install has no typescript, vitest, biome or playwright", async () => {
    const store = await readdir(path.join(work, "runtime", "app", "node_modules", ".pnpm"));
    const tools = store.filter((d) => /^(typescript|vitest|@vitest\+|vite|@biomejs\+|playwright-core)@/.test(d));
    expect(tools).toEqual([]);
    expect(existsSync(path.join(work, "runtime", "app", "node_modules", ".bin", "tsc"))).toBe(false);
    // the native module is there, built (the hub's SQLite state above was written with it)
    const sqlite = store.filter((d) => d.startsWith("better-sqlite3@"));
    expect(sqlite).toHaveLength(1);
    const binary = path.join(work, "runtime/app/node_modules/.pnpm", `${sqlite[0]}/node_modules/better-sqlite3`);
    expect(existsSync(path.join(binary, "build/Release/better_sqlite3.node"))).toBe(true);
    expect(report.plugins.map((p: { name: string; ok: boolean }) => [p.name, p.ok])).toEqual([
      ["@santral-hub/plugin-csv", true],
      ["@santral-hub/plugin-hubspot", true],
      ["@santral-hub/plugin-salesforce", true],
      ["@santral-hub/plugin-sql", true],
    ]);
  });
});

describe("deploy/santral-hub.service", () => {
  it("passes systemd-analyze verify", async () => {
    const analyze = await tool("systemd-analyze", "apt-get install systemd");
    const verified = await exec(analyze, ["verify", UNIT]);
    expect(verified.stdout + verified.stderr).toBe("");
    expect(verified.code).toBe(0);
  });

  it("is hardened, with no MemoryDenyWriteExecute (V8's JIT needs memory it writes and runs)", async () => {
    const analyze = await tool("systemd-analyze", "apt-get install systemd");
    const security = await exec(analyze, ["security", "--offline=true", "--no-pager", UNIT]);
    expect(security.code, security.stderr).toBe(0);
    const [, level] = /Overall exposure level for santral-hub\.service: ([\d.]+)/.exec(security.stdout) ?? [];
    expect(Number(level)).toBeLessThanOrEqual(2);
    const unit = await readFile(UNIT, "utf8");
    const settings = unit.split("\n").filter((l) => /^\w+=/.test(l));
    expect(settings.filter((l) => l.startsWith("MemoryDenyWriteExecute="))).toEqual([]);
    expect(settings).toEqual(
      expect.arrayContaining([
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service",
        "StateDirectory=santral-hub",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Restart=on-failure",
      ]),
    );
  });

  it("starts the same bin with the same environment as the image", async () => {
    const unit = await readFile(UNIT, "utf8");
    const runtime = (await parsed())[1] as Stage;
    const setting = (key: string) =>
      unit
        .split("\n")
        .filter((l) => l.startsWith(`${key}=`))
        .map((l) => l.slice(key.length + 1));
    const [workdir] = setting("WorkingDirectory");
    expect(setting("ExecStart")).toEqual([
      `/usr/bin/node ${workdir}/${runtime.entrypoint?.[3]} ${runtime.cmd?.join(" ")}`,
    ]);
    for (const key of ["NODE_ENV", "CONFIG_DIR", "SANTRAL_STATE_DIR"]) {
      expect(setting("Environment")).toContain(`${key}=${runtime.env[key]}`);
    }
    expect(setting("StateDirectory").map((d) => `/var/lib/${d}`)).toEqual([runtime.env.SANTRAL_STATE_DIR]);
  });
});
