#!/usr/bin/env node
// `docker build` and `docker run` for deploy/build.sh, on a machine with no container engine. It reads the
// Dockerfile (the instructions it uses) and .dockerignore as Docker does, then:
//   build: copies the build context, and runs each stage's COPY and RUN in a directory standing in for the
//          stage's root (the image's /app is <work>/<stage>/app); RUN lines that set up the machine (apt-get,
//          npm install -g pnpm) are checked against this one instead of run;
//   run:   starts the runtime stage's ENTRYPOINT and CMD with its ENV, WORKDIR and USER, the repository's
//          config/ in the config volume as a user mounts it, waits for its HEALTHCHECK, then checks what a
//          user would notice: /healthz, the README's example call, the process (user, NODE_ENV), SIGHUP and
//          SIGTERM through tini, the state volume, and the production install's packages.
// It writes <work>/report.json and exits 1 on the first step that fails, or when a check does not hold.
//
//   node deploy/dockerfile.mjs parse [Dockerfile]   the stages and what each sets, as JSON
//   node deploy/dockerfile.mjs build <repo> <work>  everything above
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";

class StepError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// The Dockerfile

/** The Dockerfile's instructions: continuation lines joined, comments and parser directives dropped. */
export function instructions(text) {
  const out = [];
  let buffer = "";
  let line = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue; // also inside a continuation, as Docker does
    if (buffer === "") line = i + 1;
    if (/\\\s*$/.test(raw)) {
      buffer += raw.replace(/\\\s*$/, "");
      continue;
    }
    buffer += raw;
    const [, keyword = "", rest = ""] = /^(\S+)\s*([\s\S]*)$/.exec(buffer.trim()) ?? [];
    out.push({ line, keyword: keyword.toUpperCase(), rest: rest.trim() });
    buffer = "";
  }
  if (buffer !== "") throw new StepError(`Dockerfile:${line}: the last instruction ends with a line continuation`);
  return out;
}

/** `--name=value` options at the start of an instruction's arguments, and what follows them. */
function options(rest) {
  const flags = {};
  let remaining = rest;
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(remaining);
    if (!m) return { flags, remaining };
    flags[m[1]] = m[2] ?? "true";
    remaining = remaining.slice(m[0].length);
  }
}

/** An exec form (`["a", "b"]`) as its array; a shell form as Docker runs it, `/bin/sh -c`. */
function command(rest) {
  if (rest.startsWith("[")) {
    try {
      const argv = JSON.parse(rest);
      if (Array.isArray(argv) && argv.every((a) => typeof a === "string")) return argv;
    } catch {}
  }
  return ["/bin/sh", "-c", rest];
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}` and `$NAME`, as Docker expands them. */
function expand(text, vars) {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_all, braced, op, word, bare) => {
      const value = vars[braced ?? bare];
      if (op === "-") return value ? value : word;
      if (op === "+") return value ? word : "";
      return value ?? "";
    },
  );
}

/** ENV's `a=b c="d e"` pairs (or the old `ENV a b`). */
function envPairs(rest, vars) {
  if (!/^[^\s=]+=/.test(rest)) {
    const [, key = "", value = ""] = /^(\S+)\s+([\s\S]*)$/.exec(rest) ?? [];
    return [[key, expand(value, vars)]];
  }
  const pairs = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)\s*/gy;
  let m = re.exec(rest);
  while (m) {
    let value = m[2] ?? "";
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    else if (value.startsWith("'")) value = value.slice(1, -1);
    else value = value.replace(/\\(.)/g, "$1");
    pairs.push([m[1], expand(value, vars)]);
    if (re.lastIndex >= rest.length) break;
    m = re.exec(rest);
  }
  return pairs;
}

/** A Go duration as HEALTHCHECK takes it (`30s`, `1m30s`), in ms. */
function duration(text) {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ms += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
  }
  return ms;
}

/** The stages, each with its instructions and what it ends up setting (ENV, WORKDIR, USER, …). */
export function parseDockerfile(text) {
  const globalArgs = {};
  const stages = [];
  let stage;
  for (const step of instructions(text)) {
    const { keyword, rest } = step;
    if (keyword === "FROM") {
      const { flags, remaining } = options(rest);
      const [, image = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(remaining) ?? [];
      stage = {
        name: name ?? String(stages.length),
        from: expand(image, globalArgs),
        platform: flags.platform,
        steps: [],
        args: {},
        env: {},
        workdir: "/",
        user: "root",
        volumes: [],
        expose: [],
        healthcheck: undefined,
        entrypoint: undefined,
        cmd: undefined,
      };
      stages.push(stage);
      continue;
    }
    if (!stage) {
      if (keyword !== "ARG") throw new StepError(`Dockerfile:${step.line}: ${keyword} before the first FROM`);
      const [, name = "", value] = /^([^=\s]+)(?:=(.*))?$/.exec(rest) ?? [];
      globalArgs[name] = value ?? "";
      continue;
    }
    const vars = { ...stage.args, ...stage.env };
    switch (keyword) {
      case "ARG": {
        const [, name = "", value] = /^([^=\s]+)(?:=(.*))?$/.exec(rest) ?? [];
        stage.args[name] = value !== undefined ? expand(value, vars) : (globalArgs[name] ?? "");
        break;
      }
      case "ENV":
        for (const [key, value] of envPairs(rest, vars)) stage.env[key] = value;
        break;
      case "WORKDIR":
        stage.workdir = path.posix.resolve(stage.workdir, expand(rest, vars));
        break;
      case "USER":
        stage.user = expand(rest, vars);
        break;
      case "VOLUME":
        stage.volumes.push(...(rest.startsWith("[") ? JSON.parse(rest) : rest.split(/\s+/)));
        break;
      case "EXPOSE":
        stage.expose.push(...rest.split(/\s+/));
        break;
      case "HEALTHCHECK": {
        const { flags, remaining } = options(rest);
        if (/^NONE$/i.test(remaining)) stage.healthcheck = undefined;
        else {
          const [, cmd = ""] = /^CMD\s+([\s\S]*)$/i.exec(remaining) ?? [];
          stage.healthcheck = {
            test: command(cmd),
            interval: duration(flags.interval ?? "30s"),
            timeout: duration(flags.timeout ?? "30s"),
            startPeriod: duration(flags["start-period"] ?? "0s"),
            retries: Number(flags.retries ?? 3),
          };
        }
        break;
      }
      case "ENTRYPOINT":
        stage.entrypoint = command(rest);
        stage.cmd = undefined; // Docker resets an inherited CMD when ENTRYPOINT is set
        break;
      case "CMD":
        stage.cmd = command(rest);
        break;
      case "RUN":
      case "COPY":
        break;
      default:
        throw new StepError(`Dockerfile:${step.line}: deploy/dockerfile.mjs does not know ${keyword}`);
    }
    stage.steps.push({ ...step, vars: { ...stage.args, ...stage.env }, workdir: stage.workdir });
  }
  if (stages.length === 0) throw new StepError("the Dockerfile has no FROM");
  return { args: globalArgs, stages };
}

// ---------------------------------------------------------------------------------------------------------
// .dockerignore

/** One .dockerignore pattern as a regular expression over a slash-separated path, as Docker matches it. */
function patternRegex(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[" && pattern.indexOf("]", i + 1) > i) {
      const end = pattern.indexOf("]", i + 1);
      re += `[${pattern
        .slice(i + 1, end)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) re += pattern[++i]?.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The patterns of a .dockerignore, in order (`!` re-includes). */
export function readDockerignore(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const cleaned = path.posix.normalize(negate ? l.slice(1).trim() : l).replace(/^\/+|\/+$/g, "");
      return { pattern: l, negate, regex: patternRegex(cleaned) };
    });
}

/** Whether Docker leaves `rel` out of the context: the last pattern matching it, or a directory above it. */
export function ignored(rel, patterns) {
  const parents = rel.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  let out = false;
  for (const p of patterns) if (parents.some((dir) => p.regex.test(dir))) out = !p.negate;
  return out;
}

/** Copies the build context of `repo` into `dest`: every file the .dockerignore leaves in. */
export function copyContext(repo, dest) {
  const patterns = readDockerignore(path.join(repo, ".dockerignore"));
  const reincludes = patterns.some((p) => p.negate);
  let files = 0;
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(repo, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const skip = ignored(r, patterns);
      const from = path.join(repo, r);
      const to = path.join(dest, r);
      if (entry.isDirectory()) {
        if (skip && !reincludes) continue;
        walk(r);
        if (!skip) mkdirSync(to, { recursive: true, mode: statSync(from).mode & 0o7777 });
      } else if (!skip) {
        mkdirSync(path.dirname(to), { recursive: true });
        if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
        else copyFileSync(from, to);
        chmodSync(to, lstatSync(from).mode & 0o7777);
        files++;
      }
    }
  };
  mkdirSync(dest, { recursive: true });
  walk("");
  return files;
}

// ---------------------------------------------------------------------------------------------------------
// docker build

const say = (text) => process.stdout.write(`${text}\n`);

/** The path standing in for the image path `p` in the stage rooted at `root`. */
const inRoot = (root, p) => path.join(root, p);

/** This machine's environment for a RUN step, less what a parent pnpm, npm or vitest put in it. */
function buildEnv(vars) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|VITEST|NODE_OPTIONS$)/i.test(k)),
  );
  return { ...env, ...vars };
}

/** This machine's Debian release (`bookworm`), from /etc/os-release. */
function debianRelease() {
  try {
    return /^VERSION_CODENAME=(\S+)$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * `apt-get install` in a RUN: each package must be installed here too, and at the version it pins when this
 * machine runs the image's Debian release (`node:…-bookworm-slim`).
 */
function checkApt(text, from) {
  const release = /-(\w+)-slim$|-(\w+)$/.exec(from)?.slice(1).find(Boolean);
  const sameRelease = release !== undefined && release === debianRelease();
  const checked = [];
  for (const part of text.split(/&&|;/)) {
    const words = part.trim().split(/\s+/);
    if (words[0] !== "apt-get" || !words.includes("install")) continue;
    for (const word of words.slice(words.indexOf("install") + 1).filter((w) => !w.startsWith("-"))) {
      const [name = "", pinned] = word.split("=");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
      const format = "${Version} ${db:Status-Abbrev}";
      const found = spawnSync("dpkg-query", ["-W", "-f", format, name], { encoding: "utf8" });
      const [version, status] = found.stdout.trim().split(/\s+/);
      if (found.status !== 0 || status !== "ii") {
        throw new StepError(`the image installs ${word} with apt-get; here it is missing: apt-get install ${name}`);
      }
      if (pinned && sameRelease && version !== pinned) {
        throw new StepError(`the image pins ${word}; Debian ${release} has ${name} ${version} (this machine's)`);
      }
      checked.push(`${name} ${version}`);
    }
  }
  return checked;
}

/** `npm install -g pnpm@X`: X must be package.json's packageManager, and the pnpm that runs here. */
function checkPnpm(text, contextDir) {
  const wanted = /\bpnpm@(\S+)/.exec(text)?.[1];
  if (!wanted) throw new StepError(`cannot tell which pnpm \`${text}\` installs`);
  const manifest = JSON.parse(readFileSync(path.join(contextDir, "package.json"), "utf8"));
  if (manifest.packageManager !== `pnpm@${wanted}`) {
    throw new StepError(
      `the Dockerfile installs pnpm@${wanted} but package.json's packageManager is ${manifest.packageManager}: make them one`,
    );
  }
  const here = execFileSync("pnpm", ["--version"], { cwd: contextDir, encoding: "utf8", env: buildEnv({}) }).trim();
  if (here !== wanted) throw new StepError(`the Dockerfile installs pnpm ${wanted}; this machine runs pnpm ${here}`);
  return `pnpm ${here}`;
}

/** The runtime stage's `mkdir -p DIR && chown USER DIR`: the state directory, made for the hub's user. */
function makeOwnedDir(text, root) {
  const m = /^mkdir -p (\S+) && chown ([^\s:]+)(?::\S+)? \1$/.exec(text.trim());
  if (!m) return false;
  const dir = inRoot(root, m[1]);
  mkdirSync(dir, { recursive: true });
  const { uid, gid } = userIds(m[2]);
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  return true;
}

/** A USER as numbers: the node image's `node` is 1000:1000. */
function userIds(user) {
  const [name = "", group] = user.split(":");
  const known = { root: 0, node: 1000 };
  const uid = /^\d+$/.test(name) ? Number(name) : known[name];
  const gid = group === undefined ? uid : /^\d+$/.test(group) ? Number(group) : known[group];
  if (uid === undefined || gid === undefined) throw new StepError(`USER ${user}: not a user of the node image`);
  return { uid, gid };
}

/** Copies `from` (a file, or a directory's contents, as COPY does) to `to`, keeping symbolic links as they are. */
function copyPath(from, to, intoDir) {
  if (!existsSync(from)) throw new StepError(`COPY: ${from} does not exist`);
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    execFileSync("cp", ["-a", `${from}/.`, to]);
  } else {
    const target = intoDir ? path.join(to, path.basename(from)) : to;
    mkdirSync(path.dirname(target), { recursive: true });
    execFileSync("cp", ["-a", from, target]);
  }
}

function timed(report, name, fn) {
  const start = Date.now();
  say(`\n== ${name}`);
  const result = fn();
  const ms = Date.now() - start;
  report.steps.push({ step: name, ms });
  say(`   (${(ms / 1000).toFixed(1)} s)`);
  return result;
}

/** Runs every stage of the Dockerfile into `work/<stage>`; returns the runtime (last) stage and its root. */
function build(repo, work, report) {
  const dockerfile = parseDockerfile(readFileSync(path.join(repo, "Dockerfile"), "utf8"));
  const context = path.join(work, "context");
  const files = timed(report, "build context (.dockerignore applied)", () => copyContext(repo, context));
  say(`   ${files} files`);
  for (const leftOut of ["node_modules", "dist", "config/state", ".git"]) {
    if (existsSync(path.join(context, leftOut))) throw new StepError(`the build context holds ${leftOut}`);
  }
  report.context = { files };
  const roots = {};
  for (const stage of dockerfile.stages) {
    const root = path.join(work, stage.name);
    roots[stage.name] = root;
    mkdirSync(root, { recursive: true });
    chmodSync(root, 0o755);
    const last = stage === dockerfile.stages.at(-1);
    say(`\n== stage ${stage.name} (FROM ${stage.from})`);
    for (const step of stage.steps) {
      const workdir = inRoot(root, step.workdir);
      if (step.keyword === "WORKDIR") mkdirSync(workdir, { recursive: true });
      if (step.keyword === "COPY") {
        const { flags, remaining } = options(step.rest);
        const parts = remaining.startsWith("[") ? JSON.parse(remaining) : remaining.split(/\s+/);
        const dest = expand(parts.pop() ?? "", step.vars);
        const destPath = path.posix.resolve(step.workdir, dest);
        const sourceRoot = flags.from ? roots[flags.from] : context;
        if (!sourceRoot) throw new StepError(`Dockerfile:${step.line}: no stage ${flags.from} before this one`);
        for (const src of parts.map((p) => expand(p, step.vars))) {
          copyPath(path.join(sourceRoot, src), inRoot(root, destPath), dest.endsWith("/") || parts.length > 1);
        }
        if (flags.chown && process.getuid?.() === 0) {
          const { uid, gid } = userIds(flags.chown);
          execFileSync("chown", ["-R", `${uid}:${gid}`, inRoot(root, destPath)]);
        }
        say(`   COPY ${step.rest}`);
      }
      if (step.keyword !== "RUN") continue;
      const { remaining: text } = options(step.rest); // --mount=type=cache: this machine's pnpm store is the cache
      const shown = text.replace(/\s+/g, " ");
      if (/^apt-get\s/.test(text)) {
        say(`   RUN ${shown}\n     not run: installed here too (${checkApt(text, stage.from).join(", ")})`);
      } else if (/^npm install -g\b/.test(text)) {
        const expanded = expand(text, step.vars);
        say(`   RUN ${expanded}\n     not run: ${checkPnpm(expanded, context)} here`);
      } else if (last) {
        if (!makeOwnedDir(text, root)) {
          throw new StepError(
            `Dockerfile:${step.line}: deploy/dockerfile.mjs cannot stand in for the runtime stage's \`RUN ${text}\``,
          );
        }
        say(`   RUN ${shown}\n     made in ${root}`);
      } else {
        timed(report, `RUN ${shown}`, () => {
          const done = spawnSync("/bin/sh", ["-c", text], {
            cwd: workdir,
            env: buildEnv(step.vars),
            stdio: ["ignore", "inherit", "inherit"],
          });
          if (done.status !== 0) {
            throw new StepError(`Dockerfile:${step.line}: \`RUN ${text}\` failed (exit ${done.status ?? done.signal})`);
          }
        });
      }
    }
  }
  const runtime = dockerfile.stages.at(-1);
  return { runtime, root: roots[runtime.name] };
}

// ---------------------------------------------------------------------------------------------------------
// docker run

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The README's quick-start call: its JSON body, its URL path and the reply shown under it. */
function readmeCall(repo) {
  const readme = readFileSync(path.join(repo, "README.md"), "utf8");
  const start = readme.indexOf("\n## Quick start\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  for (const [, block = ""] of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const body = /-d '([^']+)'/.exec(block)?.[1];
    const url = /http:\/\/localhost:\d+(\/\S*)/.exec(block)?.[1];
    const reply = block.split("\n").find((l) => l.startsWith("{"));
    if (body && url && reply) return { body, path: url, reply: JSON.parse(reply) };
  }
  throw new StepError("README.md's Quick start has no curl example with its reply");
}

/** Every file under `dir` with its size, mode and modification time. */
function snapshot(dir) {
  return execFileSync("find", [dir, "-printf", "%P %s %m %T@\\n"], { encoding: "utf8" }).split("\n").sort();
}

/** The process ids whose parent is `pid`. */
function children(pid) {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          readFileSync(`/proc/${d}/stat`, "utf8")
            .replace(/^.*\) /s, "")
            .split(" ")[1] === String(pid)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** What /proc says of a process: its user, command line, environment and working directory. */
function processInfo(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const ids = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return {
    pid,
    uid: ids("Uid"),
    gid: ids("Gid"),
    argv: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean),
    env: Object.fromEntries(environ.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
    cwd: readlinkSync(`/proc/${pid}/cwd`),
  };
}

/**
 * Packages in the production install that the workspace's manifests name only as devDependencies: the build
 * and test tools. Type packages are left out: some runtime dependencies need one (mysql2 and
 * @hubspot/api-client depend on @types/node).
 */
function devOnlyPackages(app) {
  const manifests = [path.join(app, "package.json")];
  for (const group of ["packages", "plugins"]) {
    const dir = path.join(app, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name, "package.json");
      if (existsSync(file)) manifests.push(file);
    }
  }
  const prod = new Set();
  const dev = new Set();
  for (const file of manifests) {
    const m = JSON.parse(readFileSync(file, "utf8"));
    for (const name of Object.keys(m.dependencies ?? {})) prod.add(name);
    for (const name of Object.keys(m.devDependencies ?? {})) dev.add(name);
  }
  // node_modules/.pnpm holds one directory per package version: `vitest@4.1.12_…`, `@types+node@20.19.43`
  const installed = new Set();
  for (const dir of readdirSync(path.join(app, "node_modules", ".pnpm"))) {
    const at = dir.indexOf("@", dir.startsWith("@") ? 1 : 0);
    if (at > 0) installed.add(dir.slice(0, at).replace("+", "/"));
  }
  return {
    devOnly: [...dev].filter((name) => !prod.has(name) && !name.startsWith("@types/")).sort(),
    present: [...dev].filter((name) => !prod.has(name) && !name.startsWith("@types/") && installed.has(name)).sort(),
    installed: installed.size,
  };
}

async function run(repo, work, runtime, root, report) {
  const checks = [];
  const check = (name, ok, detail) => {
    checks.push({ name, ok, detail });
    say(
      `   ${ok ? "✓" : "✗"} ${name}${detail === undefined ? "" : `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`,
    );
  };
  say("\n== docker run");
  // the volume CONFIG_DIR names gets the repository's config/, as `-v "$PWD/config:/etc/santral-hub:ro"`
  const configVolume = runtime.env.CONFIG_DIR;
  if (!configVolume || !runtime.volumes.includes(configVolume)) {
    throw new StepError("the runtime stage's CONFIG_DIR is not one of its VOLUMEs");
  }
  const mounted = inRoot(root, configVolume);
  rmSync(mounted, { recursive: true, force: true });
  copyPath(path.join(repo, "config"), mounted, false);
  rmSync(path.join(mounted, "state"), { recursive: true, force: true });
  execFileSync("chmod", ["-R", "a-w", mounted]); // :ro
  for (const volume of runtime.volumes) mkdirSync(inRoot(root, volume), { recursive: true });

  const user = userIds(runtime.user);
  const asRoot = process.getuid?.() === 0;
  const home = inRoot(root, user.uid === 0 ? "/root" : "/home/node");
  mkdirSync(home, { recursive: true });
  if (asRoot) chownSync(home, user.uid, user.gid);
  const port = await freePort();
  const metricsPort = await freePort();
  // the image's ENV, its paths in this root; then what `docker run -e` adds: free ports on this machine
  const imageEnv = Object.fromEntries(
    Object.entries(runtime.env).map(([k, v]) => [
      k,
      v.startsWith("/") && existsSync(inRoot(root, v)) ? inRoot(root, v) : v,
    ]),
  );
  const env = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: home,
    ...imageEnv,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    TINI_SUBREAPER: "1", // tini is not PID 1 here: as a subreaper it reaps orphans as PID 1 would
  };
  const cwd = inRoot(root, runtime.workdir);
  const as = (argv) =>
    asRoot ? ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", ...argv] : argv;
  const argv = [...(runtime.entrypoint ?? []), ...(runtime.cmd ?? [])];
  say(
    `   ${argv.join(" ")}  (in ${cwd}, as ${asRoot ? `${user.uid}:${user.gid}` : "this user: not root, cannot switch"})`,
  );
  say(`   env: ${JSON.stringify(env)}`);
  report.run = { argv, env, cwd, user: runtime.user };

  const configBefore = snapshot(mounted);
  const [bin, ...args] = as(argv);
  const child = spawn(bin, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const logFile = path.join(work, "hub.log");
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const lines = () =>
    output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return {};
        }
      });
  const healthcheck = () => {
    const [hBin, ...hArgs] = as(runtime.healthcheck.test);
    const done = spawnSync(hBin, hArgs, { cwd, env, encoding: "utf8", timeout: runtime.healthcheck.timeout });
    return { code: done.status, stderr: (done.stderr ?? done.error?.message ?? "").trim() };
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    // HEALTHCHECK: what Docker would report as healthy, within the start period
    if (!runtime.healthcheck) throw new StepError("the runtime stage has no HEALTHCHECK");
    const started = Date.now();
    let health = healthcheck();
    report.healthcheck = { first: health };
    while (health.code !== 0 && Date.now() - started < runtime.healthcheck.startPeriod) {
      if (child.exitCode !== null) throw new StepError(`the hub exited with ${child.exitCode}:\n${output}`);
      await sleep(200);
      health = healthcheck();
    }
    report.healthcheck.healthyAfterMs = Date.now() - started;
    check(
      "HEALTHCHECK passes",
      health.code === 0,
      health.code === 0 ? `${Date.now() - started} ms after start` : health,
    );

    const healthz = await fetch(`${base}/healthz`);
    report.healthz = { status: healthz.status, body: await healthz.text() };
    check("GET /healthz", healthz.status === 200, report.healthz);

    // every tenant loaded (a tenant still loading answers its fallback), then the README's call
    let ready;
    for (const until = Date.now() + 20_000; Date.now() < until; await sleep(200)) {
      const answer = await fetch(`${base}/readyz`);
      ready = { status: answer.status, body: await answer.json().catch(() => ({})) };
      if (answer.status === 200 && !(ready.body.loading > 0)) break;
    }
    report.readyz = ready;
    check("GET /readyz", ready?.status === 200, ready);

    const call = readmeCall(repo);
    const answer = await fetch(`${base}${call.path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: call.body,
    });
    report.call = { path: call.path, request: JSON.parse(call.body), status: answer.status, body: await answer.json() };
    report.call.expected = call.reply;
    check(
      "the README's example call",
      answer.status === 200 && isDeepStrictEqual(report.call.body, call.reply),
      report.call.body,
    );

    // the process: tini, and node under it, as the image's user with the image's environment
    const tini = processInfo(child.pid);
    const [nodePid] = children(child.pid);
    if (nodePid === undefined) throw new StepError("tini has no child process");
    const node = processInfo(nodePid);
    report.process = { tini, node };
    check(
      "tini is the init process, node its child",
      path.basename(tini.argv[0] ?? "") === "tini",
      tini.argv.join(" "),
    );
    check(
      "node runs as the image's user, not root",
      node.uid !== 0 && (!asRoot || (node.uid === user.uid && node.gid === user.gid)),
      `${node.uid}:${node.gid}`,
    );
    check("NODE_ENV is production", node.env.NODE_ENV === "production", node.env.NODE_ENV);

    // every plugin the image ships loads in it, as a tenant naming it would load it
    const plugins = Object.keys(
      JSON.parse(readFileSync(path.join(cwd, "package.json"), "utf8")).dependencies ?? {},
    ).filter((name) => name.startsWith("@santral-hub/plugin-"));
    const script = `for (const name of ${JSON.stringify(plugins)}) await import(name).then(
      () => console.log(JSON.stringify({ name, ok: true })),
      (error) => console.log(JSON.stringify({ name, ok: false, error: error.message })));`;
    const [pBin, ...pArgs] = as(["node", "--input-type=module", "-e", script]);
    const imported = spawnSync(pBin, pArgs, { cwd, env, encoding: "utf8", timeout: 60_000 });
    report.plugins = (imported.stdout ?? "")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    for (const name of plugins) {
      const loaded = report.plugins.find((p) => p.name === name);
      check(`${name} loads`, loaded?.ok === true, loaded ? (loaded.error ?? "imported") : imported.stderr);
    }

    // SIGHUP to PID 1 reaches node: the tenant files are read again (/readyz's `reloaded` moves on)
    const reloadedBefore = ready?.body.reloaded;
    child.kill("SIGHUP");
    let reloadedAfter;
    for (const until = Date.now() + 5000; Date.now() < until; await sleep(100)) {
      reloadedAfter = (await (await fetch(`${base}/readyz`)).json()).reloaded;
      if (reloadedAfter && reloadedAfter !== reloadedBefore) break;
    }
    report.sighup = { before: reloadedBefore, after: reloadedAfter };
    check("SIGHUP reloads the tenants", Boolean(reloadedAfter) && reloadedAfter !== reloadedBefore, report.sighup);

    // SIGTERM to PID 1: node drains and stops, tini exits with its status
    const stopAt = Date.now();
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const exit = await exited;
    clearTimeout(timer);
    report.stop = {
      ...exit,
      ms: Date.now() - stopAt,
      stoppedLine: lines().some((l) => l.msg === "santral-hub stopped"),
    };
    check("SIGTERM stops it cleanly", exit.code === 0 && report.stop.stoppedLine, report.stop);
    const after = healthcheck();
    report.healthcheck.afterStop = after;
    check("HEALTHCHECK fails once it has stopped", after.code !== 0, after.stderr);

    // state on its volume, owned by the hub's user; the mounted config untouched
    const stateDir = imageEnv.SANTRAL_STATE_DIR;
    const state = stateDir && existsSync(stateDir) ? readdirSync(stateDir) : [];
    const owners = state.map((f) => statSync(path.join(stateDir, f)).uid);
    report.state = { dir: runtime.env.SANTRAL_STATE_DIR, files: state, owners };
    check(
      "state written to its volume",
      state.some((f) => f.endsWith(".sqlite")) && (!asRoot || owners.every((o) => o === user.uid)),
      state,
    );
    check("the mounted config is left as it was", isDeepStrictEqual(snapshot(mounted), configBefore));

    // the production install: no package the workspace needs only to build or test
    const packages = devOnlyPackages(cwd);
    report.productionInstall = packages;
    check("no dev-only packages in the production install", packages.present.length === 0, packages.present);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    writeFileSync(logFile, output);
    report.log = logFile;
  }
  report.checks = checks;
  return checks.every((c) => c.ok);
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const [verb, ...rest] = process.argv.slice(2);
  if (verb === "parse") {
    const file = rest[0] ?? "Dockerfile";
    process.stdout.write(`${JSON.stringify(parseDockerfile(readFileSync(file, "utf8")), null, 2)}\n`);
    return 0;
  }
  if (verb !== "build" || rest.length !== 2) {
    process.stderr.write("usage: node deploy/dockerfile.mjs parse [Dockerfile] | build <repo> <work>\n");
    return 2;
  }
  const [repo = "", work = ""] = rest.map((p) => path.resolve(p));
  mkdirSync(work, { recursive: true });
  chmodSync(work, 0o755); // the hub's user reads the runtime tree under it
  const report = { repo, work, steps: [], ok: false };
  const reportFile = path.join(work, "report.json");
  try {
    const { runtime, root } = build(repo, work, report);
    report.ok = await run(repo, work, runtime, root, report);
  } catch (error) {
    report.error = error.message;
    process.stderr.write(`\ndeploy/build.sh: ${error.message}\n`);
    if (!(error instanceof StepError)) process.stderr.write(`${error.stack}\n`);
  }
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  say(`\n${report.ok ? "ok" : "FAILED"}: ${reportFile}`);
  return report.ok ? 0 : 1;
}

process.exitCode = await main();
