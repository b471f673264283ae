import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./cli.js";

// Redis servers of a test's own, so that a test can hang one (SIGSTOP) without touching the shared one on 6379.
// redis-server and redis-cli must be installed (.ci/run installs them): a missing binary fails the test.

export interface RedisServer {
  port: number;
  /** SIGSTOP: the server keeps its connections open and answers nothing, like a hung host. */
  pause(): void;
  /** SIGCONT: it answers again, commands queued meanwhile included. */
  resume(): void;
  stop(): Promise<void>;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(" ")}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A redis-server of this test's own on a free port, no persistence; `extra` adds its options. */
export async function startRedis(dir: string, extra: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child: ChildProcess = spawn("redis-server", [...args, "--dir", dir, "--daemonize", "no", ...extra], {
    stdio: "ignore",
  });
  const failed = new Promise<never>((_, reject) =>
    child.once("error", (error) => reject(new Error(`redis-server could not start (install it): ${error.message}`))),
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await Promise.race([
    failed,
    until(
      async () => (await run("redis-cli", ["-p", String(port), "ping"])).trim() === "PONG",
      `redis-server on ${port}`,
    ),
  ]);
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    port,
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** `host:port` of every node, for hub.yaml's `cache.cluster.nodes`. */
  seeds: string[];
  /** The master serving the slot of `key` (a `{tag}` counts, as Redis counts it). */
  nodeFor(key: string): Promise<RedisServer>;
  stop(): Promise<void>;
}

/** A three-master Redis Cluster (no replicas) on free ports; resolves once `cluster info` says ok. */
export async function startCluster(nodeTimeoutMs = 5000): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "santral-cluster-"));
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const options = ["--cluster-enabled", "yes", "--cluster-config-file", path.join(dir, `nodes-${i}.conf`)];
      nodes.push(await startRedis(dir, [...options, "--cluster-node-timeout", String(nodeTimeoutMs)]));
    }
    const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run("redis-cli", ["--cluster", "create", ...seeds, "--cluster-replicas", "0", "--cluster-yes"]);
    for (const node of nodes) {
      await until(
        async () => (await run("redis-cli", ["-p", String(node.port), "cluster", "info"])).includes("cluster_state:ok"),
        `cluster state ok on ${node.port}`,
      );
    }
    return {
      nodes,
      seeds,
      async nodeFor(key) {
        const client = new Redis(nodes[0]?.port ?? 0, { lazyConnect: true });
        try {
          await client.connect();
          const slot = Number(await client.call("CLUSTER", "KEYSLOT", key));
          const ranges = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
          const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
          const node = nodes.find((n) => n.port === owner);
          if (!node) throw new Error(`no node serves slot ${slot}`);
          return node;
        } finally {
          client.disconnect();
        }
      },
      async stop() {
        await Promise.all(nodes.map((n) => n.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
