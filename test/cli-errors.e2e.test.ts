import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, run } from "../packages/cli/src/program.js";
import { demoTenant, freePort, tempConfig } from "./helpers/cli.js";

// The CLI's failure paths and exit codes, on real files in a temp dir, run in this process (`run` is what the
// bin calls): spawning a process for each of them would cost a second or two apiece. cli-ops.e2e.test.ts
// runs the commands as a user does, spawned.

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const TOKEN = "shop-token-0001";
let memory: string;
let redis: string;
let downRedis: string;

beforeAll(async () => {
  memory = await tempConfig("", { shop: await demoTenant("shop", TOKEN) });
  redis = await tempConfig(`cache: { backend: redis, url: "${REDIS_URL}" }\n`, {
    shop: await demoTenant("shop", TOKEN),
  });
  downRedis = await tempConfig(`cache: { backend: redis, url: "redis://127.0.0.1:${await freePort()}" }\n`);
});
afterAll(async () => {
  for (const dir of [memory, redis, downRedis]) await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const written = { stdout: "", stderr: "" };
  const io = {
    out: (text: string) => {
      written.stdout += text;
    },
    err: (text: string) => {
      written.stderr += text;
    },
    cwd: memory,
    env: {},
  };
  const code = await run(argv, io);
  return { code, ...written };
}

describe("santral-hub call, failing", () => {
  it("exits 1 on an error answer or without a token, 3 when no hub answers, and 0 from a hub of its own", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const [local, noToken, unreachable] = await Promise.all([
      cli("call", "shop", "--caller", "05101234567", "--format", "xml", "--config", memory),
      cli("call", "nobody", "--caller", "05101234567", "--config", memory),
      cli("call", "shop", "--caller", "05101234567", "--url", closed, "--config", memory),
    ]);
    expect(local.code, local.stderr).toBe(EXIT.ok);
    expect(local.stdout).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/t\/shop {2}\(XML POST\)/);
    expect(local.stdout).toContain('"result":"extensions","redirect":"101"');
    expect(noToken.code).toBe(EXIT.failed);
    expect(noToken.stderr).toMatch(/no token for "nobody": .*nobody\.yaml: cannot read the file.*\n\(give --token\)/s);
    expect(unreachable.code).toBe(EXIT.unreachable);
    expect(unreachable.stderr).toContain(`cannot reach the hub at ${closed}: connect ECONNREFUSED`);

    const refused = await cli("call", "shop", "--caller", "05101234567", "--token", "wrong-token", "--config", memory);
    expect(refused.code).toBe(EXIT.failed);
    expect(refused.stdout).toContain("← 401 in");
    expect(refused.stdout).toContain('{"status":"error","message":"wrong or missing static variable \\"token\\""}');
  });
});

describe("santral-hub lookup and cache purge, failing", () => {
  it("exits 1 for an unknown tenant and 2 for a number that does not parse", async () => {
    const [unknown, bad] = await Promise.all([
      cli("lookup", "nobody", "05441000000", "--config", memory),
      cli("lookup", "shop", "not-a-number", "--config", memory),
    ]);
    expect(unknown.code).toBe(EXIT.tenant);
    expect(unknown.stderr).toContain('no tenant "nobody"');
    expect(bad).toMatchObject({
      code: EXIT.usage,
      stderr: 'santral-hub lookup: "not-a-number" is not a phone number\n',
    });
  });

  it("says a memory cache cannot be seen or purged from here, and exits 3 when Redis is down", async () => {
    const [seen, purgeMemory, purgeDown, badNumber, whole] = await Promise.all([
      cli("lookup", "shop", "05441000000", "--config", memory),
      cli("cache", "purge", "shop", "--config", memory),
      cli("cache", "purge", "shop", "05441000000", "--config", downRedis),
      cli("cache", "purge", "shop", "12", "--config", redis),
      cli("cache", "purge", "shop", "--config", redis),
    ]);
    expect(seen.code).toBe(EXIT.ok);
    expect(seen.stdout).toContain("Cache    memory: it lives inside each running hub, and cannot be seen from here");
    expect(purgeMemory.code).toBe(EXIT.failed);
    expect(purgeMemory.stderr).toContain("memory cache, which lives inside each running hub: restart the hub");
    expect(purgeDown.code).toBe(EXIT.unreachable);
    expect(purgeDown.stderr).toContain("Redis is not reachable: nothing was purged");
    expect(badNumber.code).toBe(EXIT.usage);
    expect(whole).toMatchObject({
      code: EXIT.ok,
      stdout: expect.stringMatching(/^Purged \d+ cached answers? of tenant shop\n$/),
    });
  });
});

describe("santral-hub tenant add and check, failing", () => {
  it("refuses to overwrite a tenant file, and writes one for a plugin it cannot find with a warning", async () => {
    const file = path.join(memory, "tenants", "shop.yaml");
    const before = await readFile(file, "utf8");
    const exists = await cli("tenant", "add", "shop", "--adapter", "csv", "--config", memory);
    expect(exists.code).toBe(EXIT.failed);
    expect(exists.stderr).toBe(
      `santral-hub tenant add: ${file} already exists; refusing to overwrite it (edit it, or remove it first)\n`,
    );
    expect(await readFile(file, "utf8")).toBe(before);

    const unknown = await cli("tenant", "add", "other", "--adapter", "no-such-crm", "--config", memory);
    expect(unknown.code).toBe(EXIT.ok);
    expect(unknown.stderr).toContain(
      'warning: plugin package "@santral-hub/plugin-no-such-crm" or "no-such-crm" is not installed',
    );
    const text = await readFile(path.join(memory, "tenants", "other.yaml"), "utf8");
    expect(text).toContain('config: {} # plugin "no-such-crm" is not installed here');

    const check = await cli("check", "--config", memory, "--json");
    expect(check.code).toBe(EXIT.failed);
    const report = JSON.parse(check.stdout);
    expect(report.tenants.map((t: { id: string; ok: boolean; crm: string }) => [t.id, t.ok, t.crm])).toEqual([
      ["other", false, "skipped"],
      ["shop", true, "ok"],
    ]);
    await rm(path.join(memory, "tenants", "other.yaml"));
  });

  it("reports a broken hub.yaml, and a tenants directory that is missing", async () => {
    const broken = await tempConfig("listen: { port: many }\n");
    const empty = await tempConfig("tenants: nowhere\n");
    try {
      const [hub, dir] = await Promise.all([cli("check", "--config", broken), cli("check", "--config", empty)]);
      expect(hub.code).toBe(EXIT.failed);
      expect(hub.stdout).toMatch(/^✗ hub\.yaml\n {4}.*hub\.yaml: listen\.port: /);
      expect(dir.code).toBe(EXIT.failed);
      expect(dir.stdout).toContain("✗ tenants\n    ");
      expect(dir.stdout).toContain("cannot read the tenants directory");
    } finally {
      await rm(broken, { recursive: true, force: true });
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe("santral-hub check, two files claiming one number", () => {
  it("reports both files as broken, naming the DID and the other file, as the hub would refuse them", async () => {
    const dir = await tempConfig("", {
      shop: await demoTenant("shop", TOKEN, ["8503030311"]),
      copy: await demoTenant("copy", TOKEN, ["0850 303 03 11"]),
      other: await demoTenant("other", TOKEN, ["8503030312"]),
    });
    try {
      const check = await cli("check", "--config", dir);
      expect(check.code).toBe(EXIT.failed);
      const file = (id: string) => path.join(dir, "tenants", `${id}.yaml`);
      const lines = check.stdout.split("\n");
      const rest =
        "and no tenant serves it yet; a number reaches one tenant only, so neither file is served until one of them drops it";
      expect(lines).toContain(
        `    ${file("copy")}: dids[0]: 8503030311 is also a DID of tenant "shop" (${file("shop")}) ${rest}`,
      );
      expect(lines).toContain(
        `    ${file("shop")}: dids[0]: 8503030311 is also a DID of tenant "copy" (${file("copy")}) ${rest}`,
      );
      expect(lines.filter((l) => /^[✓✗]/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
        "✓ hub.yaml",
        "✗ copy",
        "✓ other",
        "✗ shop",
      ]);
      expect(check.stdout).toContain("3 tenants: 1 ok, 2 broken");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("santral-hub start, failing", () => {
  let busy: Server;
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("exits 1 when hub.yaml is broken or the port is taken", async () => {
    busy = createServer().listen(0);
    await new Promise((resolve) => busy.once("listening", resolve));
    const port = String((busy.address() as { port: number }).port);
    const broken = await tempConfig("listen: { port: many }\n");
    try {
      const bad = await cli("start", "--config", broken);
      expect(bad.code).toBe(EXIT.failed);
      expect(bad.stderr).toMatch(/^santral-hub start: .*hub\.yaml: listen\.port: /);
      const taken = await cli("start", "--port", port, "--config", memory);
      expect(taken.code).toBe(EXIT.failed);
      expect(taken.stderr).toContain("EADDRINUSE");
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe("the command line", () => {
  it("exits 2 on bad usage, naming what is wrong", async () => {
    const runs = await Promise.all([
      cli("call", "shop"),
      cli("call", "shop", "--caller", "1", "--format", "soap"),
      cli("call", "Shop!", "--caller", "1"),
      cli("tenant", "add", "Bad_Id", "--adapter", "csv"),
      cli("tenant", "add", "acme"),
      cli("start", "--port", "99999"),
      cli("plugin", "new", "9lives"),
      cli("cache", "purge"),
    ]);
    expect(runs.map((r) => r.code)).toEqual(Array(8).fill(EXIT.usage));
    expect(runs[0]?.stderr).toContain("required option '--caller <number>' not specified");
    expect(runs[1]?.stderr).toContain("Allowed choices are get, form, json, xml");
    expect(runs[2]?.stderr).toContain("write TENANT or TENANT/STEP");
    expect(runs[3]?.stderr).toContain("use lower-case letters, digits and dashes");
    expect(runs[4]?.stderr).toContain("required option '--adapter <name>' not specified");
    expect(runs[5]?.stderr).toContain("not a port number");
    expect(runs[6]?.stderr).toContain("starting with a letter");
    expect(runs[7]?.stderr).toContain("missing required argument 'tenant'");
  });

  it("has --help on every command, with its exit codes", async () => {
    const commands = [
      ["start"],
      ["check"],
      ["tenant", "add"],
      ["tenant", "list"],
      ["call"],
      ["lookup"],
      ["cache", "purge"],
      ["plugin", "new"],
      ["explain"],
    ];
    for (const command of commands) {
      const help = await cli(...command, "--help");
      expect(help.code, command.join(" ")).toBe(EXIT.ok);
      expect(help.stdout, command.join(" ")).toContain(`Usage: santral-hub ${command.join(" ")} [options]`);
      expect(help.stdout, command.join(" ")).toContain("Exit codes: 0 ");
    }
    for (const group of ["tenant", "cache", "plugin"]) expect((await cli(group, "--help")).code).toBe(EXIT.ok);
  });
});
