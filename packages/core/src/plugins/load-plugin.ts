import { createRequire, register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Plugin, SDK_CONTRACT_VERSION } from "@santral-hub/sdk";

/**
 * The packages a tenant's `crm.adapter` may name, in the order tried: `csv` is `@santral-hub/plugin-csv`,
 * and a plain name is also tried as the package itself (`santral-hub-plugin-pipedrive`); a scoped or
 * otherwise longer name (`@acme/santral-plugin-pipedrive`) is the package name.
 */
export function pluginPackages(adapter: string): string[] {
  return /^[a-z0-9-]+$/.test(adapter) ? [`@santral-hub/plugin-${adapter}`, adapter] : [adapter];
}

const loaded = new Map<string, Promise<Plugin>>();
/** Imports of each local plugin file so far: a retry imports it under a new URL (see `localUrl`). */
const attempts = new Map<string, number>();
let hooked = false;
/**
 * Whether a `.ts` file imports as it is: the hub runs from its build on a Node that reads no TypeScript, so
 * tsx is loaded for the first plugin that is a `.ts` file (a tenant's own, or a package exporting its
 * sources, as `plugin new` writes one), and only then; a test runner that compiles the sources (this
 * file is `.ts` there) reads it already.
 */
let readsTypeScript = import.meta.url.endsWith(".ts");

/**
 * Loads the plugin a tenant names, from the packages installed beside the hub (resolved from each of
 * `from`, e.g. the working directory and the config directory), and checks it speaks this contract.
 */
export function loadPlugin(adapter: string, from: string[]): Promise<Plugin> {
  let plugin = loaded.get(adapter);
  if (!plugin) {
    plugin = importPlugin(pluginPackages(adapter), from);
    loaded.set(adapter, plugin);
    plugin.catch(() => loaded.delete(adapter));
  }
  return plugin;
}

/**
 * The URL a tenant's own plugin file is imported by. Node keeps a module that failed to load or run under
 * its URL for good, so each attempt gets a URL of its own (`?santral-plugin=2`): a file fixed after a
 * failure is read afresh on the next reload. The hooks (plugin-hooks.mjs) read a `.ts` file as an ES module
 * without a package.json beside it and find the packages it imports in the hub's own installation.
 */
function localUrl(file: string): string {
  if (!hooked) {
    hooked = true;
    try {
      register("../../loader/plugin-hooks.mjs", import.meta.url, { data: { hubUrl: import.meta.url } });
    } catch {
      // a runtime without module hooks loads the file as Node would (a package.json beside it then decides)
    }
  }
  const attempt = (attempts.get(file) ?? 0) + 1;
  attempts.set(file, attempt);
  const url = pathToFileURL(file);
  url.searchParams.set("santral-plugin", String(attempt));
  return url.href;
}

/** Last, the hub's own installation: a plugin installed beside the hub is found from any working directory. */
const HUB_DIR = path.dirname(fileURLToPath(import.meta.url));

async function importPlugin(names: string[], from: string[]): Promise<Plugin> {
  let resolved: string | undefined;
  let name = names[0] ?? "";
  search: for (const candidate of names) {
    for (const dir of [...from, HUB_DIR]) {
      try {
        resolved = createRequire(path.join(path.resolve(dir), "noop.js")).resolve(candidate);
        name = candidate;
        break search;
      } catch {}
    }
  }
  if (!resolved) {
    const tried = names.map((n) => `"${n}"`).join(" or ");
    throw new Error(`plugin package ${tried} is not installed; install it beside the hub (pnpm add ${name})`);
  }
  const local = path.isAbsolute(name);
  // before the hooks of localUrl, which then see tsx's answers, as when tsx ran the whole process
  if (/\.[cm]?ts$/.test(resolved) && !readsTypeScript) {
    readsTypeScript = true;
    (await import("tsx/esm/api")).register();
  }
  let mod: { default?: Plugin; plugin?: Plugin };
  try {
    mod = await import(local ? localUrl(resolved) : pathToFileURL(resolved).href);
  } catch (error) {
    if (!local) throw error;
    const message = (error as Error).message;
    throw new Error(`cannot load the plugin file ${resolved}: ${message}; fix the file, then reload (SIGHUP)`, {
      cause: error,
    });
  }
  const plugin = mod.default ?? mod.plugin;
  if (!plugin || typeof plugin.create !== "function" || !plugin.configSchema) {
    throw new Error(`package "${name}" is not a santral-hub plugin: it must export definePlugin(...) as default`);
  }
  if (plugin.contract !== SDK_CONTRACT_VERSION) {
    throw new Error(
      `plugin "${name}" is built for sdk contract ${plugin.contract}, this hub speaks contract ${SDK_CONTRACT_VERSION}; install a matching version`,
    );
  }
  return plugin;
}
