import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, santralHub } from "./helpers/cli.js";
import { REPO } from "./helpers/hub.js";

// A team's plugin in a repository of its own: `plugin new` outside any workspace, then the sdk installed
// from the tarball `pnpm pack` makes of it (what npm would serve), never from this repository's sources.

let dir: string;
let plugin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-outside-"));
  plugin = path.join(dir, "acme-crm");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the sdk as published", { timeout: 180_000 }, () => {
  it("installs from its packed tarball into a plugin outside the workspace, whose types check and kit passes", async () => {
    const packed = await runProcess("pnpm", ["--filter", "@santral-hub/sdk", "pack", "--pack-destination", dir], REPO);
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = path.join(dir, "santral-hub-sdk-0.1.0.tgz");
    const listing = await runProcess("tar", ["tzf", tarball], dir);
    const files = listing.stdout.split("\n");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/testing/index.d.ts");
    expect(files.filter((f) => f.endsWith(".test.ts") || f.includes("tsbuildinfo"))).toEqual([]);

    const made = await santralHub(["plugin", "new", "acme-crm", "--dir", plugin], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const manifest = path.join(plugin, "package.json");
    const pkg = JSON.parse(await readFile(manifest, "utf8"));
    expect(pkg.peerDependencies).toEqual({ "@santral-hub/sdk": "^0.1.0" });
    pkg.devDependencies["@santral-hub/sdk"] = `file:${tarball}`;
    await writeFile(manifest, JSON.stringify(pkg, null, 2));

    // packages already in the store are taken from it; the registry is asked only for their metadata
    const installed = await runProcess("pnpm", ["install", "--prefer-offline", "--ignore-workspace"], plugin);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    const sdk = await realpath(path.join(plugin, "node_modules", "@santral-hub", "sdk"));
    expect(sdk.startsWith(path.join(plugin, "node_modules"))).toBe(true);
    const resolved = await runProcess(
      process.execPath,
      ["--input-type=module", "-e", "console.log(import.meta.resolve('@santral-hub/sdk/testing'))"],
      plugin,
    );
    expect(resolved.stdout.trim()).toMatch(/node_modules\/.*\/dist\/testing\/index\.js$/);

    const types = await runProcess(path.join(plugin, "node_modules", ".bin", "tsc"), ["-p", "."], plugin);
    expect(types.stdout + types.stderr).toBe("");
    expect(types.code).toBe(0);
    const kit = await runProcess(path.join(plugin, "node_modules", ".bin", "vitest"), ["run"], plugin);
    expect(kit.code, kit.stdout + kit.stderr).toBe(0);
    expect(kit.stdout).toMatch(/Tests +\d+ passed/);
    expect(kit.stdout).not.toMatch(/failed|skipped/);
  });
});
