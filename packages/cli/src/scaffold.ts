import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const TEMPLATES = path.resolve(import.meta.dirname, "../templates/plugin");
const REPO = path.resolve(import.meta.dirname, "../../..");
const TEMPLATE_FILES = ["src/index.ts", "test/conformance.test.ts", "test/fake-crm.ts", "README.md"];

export interface Scaffold {
  dir: string;
  packageName: string;
  /** What a tenant writes in `crm.adapter` to use it. */
  adapter: string;
  /** The santral-hub workspace it was written into (package name, dependencies, tsconfig follow it). */
  workspace: string | null;
  files: string[];
}

/** A plugin's name: what `crm.adapter` says, and part of its package name. */
export const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Writes a plugin package into `dir` (which must not exist, or be empty): package.json, tsconfig.json,
 * README, `src/index.ts` (schema, adapter) and its conformance test against a fake CRM. Inside a
 * santral-hub workspace it is `@santral-hub/plugin-<name>` on the workspace's sdk, so `adapter: <name>`
 * finds it; elsewhere `santral-hub-plugin-<name>`, depending on the published sdk.
 */
export async function scaffoldPlugin(name: string, dir: string): Promise<Scaffold> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new Error(`${dir} already exists and is not empty; choose another name or --dir`);
  }
  const workspace = findWorkspace(path.dirname(dir));
  const packageName = workspace ? `@santral-hub/plugin-${name}` : `santral-hub-plugin-${name}`;
  const adapter = workspace ? name : packageName;
  const vars: Record<string, string> = { __NAME__: name, __PACKAGE__: packageName, __ADAPTER__: adapter };
  const files: Record<string, string> = {
    "package.json": `${JSON.stringify(packageJson(name, packageName, workspace !== null), null, 2)}\n`,
    "tsconfig.json": tsconfig(dir, workspace),
  };
  for (const file of TEMPLATE_FILES) {
    const text = await readFile(path.join(TEMPLATES, file), "utf8");
    files[file] = text.replace(/__(?:NAME|PACKAGE|ADAPTER)__/g, (token) => vars[token] ?? token);
  }
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text, { flag: "wx" });
  }
  return { dir, packageName, adapter, workspace, files: Object.keys(files) };
}

/** The nearest directory up from `from` that is a santral-hub workspace (a pnpm workspace with our tsconfig). */
function findWorkspace(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml")) && existsSync(path.join(dir, "tsconfig.base.json"))) {
      return dir;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** The versions this repository builds with, so a new plugin starts on the same ones. */
function versions(): { sdk: string; zod: string; vitest: string } {
  const read = (file: string) => JSON.parse(readFileSync(path.join(REPO, file), "utf8"));
  const sdk = read("packages/sdk/package.json");
  return { sdk: sdk.version, zod: sdk.dependencies.zod, vitest: read("package.json").devDependencies.vitest };
}

function packageJson(name: string, packageName: string, inWorkspace: boolean) {
  const v = versions();
  const sdk = inWorkspace ? "workspace:^" : `^${v.sdk}`;
  return {
    name: packageName,
    version: "0.1.0",
    description: `santral-hub plugin: look callers up in ${name} over its HTTP API.`,
    type: "module",
    engines: { node: ">=20.19" },
    exports: { ".": "./src/index.ts" },
    scripts: { test: "vitest run", typecheck: "tsc -p ." },
    dependencies: { zod: v.zod },
    peerDependencies: { "@santral-hub/sdk": sdk },
    devDependencies: {
      "@santral-hub/sdk": sdk,
      vitest: v.vitest,
      ...(inWorkspace ? {} : { typescript: "~5.9.3", "@types/node": "^20.19.0" }),
    },
  };
}

function tsconfig(dir: string, workspace: string | null): string {
  if (workspace) {
    const base = path.relative(dir, path.join(workspace, "tsconfig.base.json")).split(path.sep).join("/");
    return `{ "extends": "${base}", "include": ["src", "test"] }\n`;
  }
  const compilerOptions = {
    target: "ES2023",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    types: ["node"],
    noEmit: true,
  };
  return `${JSON.stringify({ compilerOptions, include: ["src", "test"] }, null, 2)}\n`;
}
