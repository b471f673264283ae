import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type Plugin, SDK_CONTRACT_VERSION } from "@santral-hub/sdk";

/** `csv` → `@santral-hub/plugin-csv`; anything else is a package name (`@acme/santral-plugin-pipedrive`). */
export function pluginPackage(adapter: string): string {
  return /^[a-z0-9-]+$/.test(adapter) ? `@santral-hub/plugin-${adapter}` : adapter;
}

const loaded = new Map<string, Promise<Plugin>>();

/**
 * Loads the plugin a tenant names, from the packages installed beside the hub (resolved from each of
 * `from`, e.g. the working directory and the config directory), and checks it speaks this contract.
 */
export function loadPlugin(adapter: string, from: string[]): Promise<Plugin> {
  const name = pluginPackage(adapter);
  let plugin = loaded.get(name);
  if (!plugin) {
    plugin = importPlugin(name, from);
    loaded.set(name, plugin);
    plugin.catch(() => loaded.delete(name));
  }
  return plugin;
}

async function importPlugin(name: string, from: string[]): Promise<Plugin> {
  let resolved: string | undefined;
  for (const dir of from) {
    try {
      resolved = createRequire(path.join(path.resolve(dir), "noop.js")).resolve(name);
      break;
    } catch {}
  }
  if (!resolved) {
    throw new Error(`plugin package "${name}" is not installed; install it beside the hub (pnpm add ${name})`);
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
