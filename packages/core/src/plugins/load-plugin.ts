import { createRequire } from "node:module";
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
  const mod = (await import(pathToFileURL(resolved).href)) as { default?: Plugin; plugin?: Plugin };
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
