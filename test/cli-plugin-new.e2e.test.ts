import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, run } from "../packages/cli/src/program.js";
import { runProcess, santralHub } from "./helpers/cli.js";
import { REPO } from "./helpers/hub.js";

// `santral-hub plugin new` writes a package that typechecks and passes the conformance suite as it stands.
// It is written into a workspace of its own in a temp dir (a pnpm-workspace.yaml, the repo's tsconfig.base.json,
// and node_modules linked to the repo's sdk, zod, vitest and Node types), as it would be into plugins/.

let workspace: string;
let plugin: string;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "santral-plugin-"));
  await writeFile(path.join(workspace, "pnpm-workspace.yaml"), "packages:\n  - plugins/*\n");
  await copyFile(path.join(REPO, "tsconfig.base.json"), path.join(workspace, "tsconfig.base.json"));
  await mkdir(path.join(workspace, "node_modules", "@santral-hub"), { recursive: true });
  await mkdir(path.join(workspace, "node_modules", "@types"), { recursive: true });
  const links: [string, string][] = [
    ["@santral-hub/sdk", path.join(REPO, "packages", "sdk")],
    ["zod", path.join(REPO, "node_modules", "zod")],
    ["vitest", path.join(REPO, "node_modules", "vitest")],
    ["@types/node", path.join(REPO, "node_modules", "@types", "node")],
  ];
  for (const [name, target] of links) await symlink(target, path.join(workspace, "node_modules", name), "dir");
  plugin = path.join(workspace, "plugins", "acme-crm");
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

describe("santral-hub plugin new", { timeout: 180_000 }, () => {
  it("scaffolds a plugin package whose types check and whose conformance test passes", async () => {
    const made = await santralHub(["plugin", "new", "acme-crm"], { cwd: workspace });
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`Wrote @santral-hub/plugin-acme-crm in ${plugin}:`);
    expect(made.stdout).toContain(
      "  in a tenant file: crm: { adapter: acme-crm, config: { baseUrl: …, apiToken: … } }",
    );
    for (const file of ["package.json", "tsconfig.json", "README.md", "src/index.ts", "test/conformance.test.ts"]) {
      expect(made.stdout).toContain(`  ${file}\n`);
    }
    const pkg = JSON.parse(await readFile(path.join(plugin, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "@santral-hub/plugin-acme-crm",
      type: "module",
      exports: { ".": "./src/index.ts" },
      peerDependencies: { "@santral-hub/sdk": "workspace:^" },
    });
    expect(await readFile(path.join(plugin, "tsconfig.json"), "utf8")).toContain(
      '"extends": "../../tsconfig.base.json"',
    );
    expect(await readFile(path.join(plugin, "src", "index.ts"), "utf8")).toContain('const PLUGIN_NAME = "acme-crm";');

    const [types, conformance] = await Promise.all([
      runProcess(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], plugin),
      runProcess(
        process.execPath,
        [path.join(REPO, "node_modules/vitest/vitest.mjs"), "run", "--root", plugin],
        plugin,
      ),
    ]);
    expect(types.stdout + types.stderr).toBe("");
    expect(types.code).toBe(0);
    expect(conformance.code, conformance.stdout + conformance.stderr).toBe(0);
    expect(conformance.stdout).toMatch(/Tests +\d+ passed/);
    expect(conformance.stdout).not.toMatch(/failed|skipped/);
  });

  it("refuses a directory that is not empty", async () => {
    const written = { stdout: "", stderr: "" };
    const io = {
      out: (t: string) => {
        written.stdout += t;
      },
      err: (t: string) => {
        written.stderr += t;
      },
      cwd: workspace,
      env: {},
    };
    expect(await run(["plugin", "new", "acme-crm"], io)).toBe(EXIT.failed);
    expect(written.stderr).toBe(
      `santral-hub plugin new: ${plugin} already exists and is not empty; choose another name or --dir\n`,
    );
  });
});
