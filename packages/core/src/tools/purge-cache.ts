import { createCache } from "../cache/create.js";
import { purgeAnswers } from "../cache/purge.js";
import { loadHubConfig } from "../hub/config.js";
import { loadTenantFile } from "../tenants/load.js";
import { keepingLogger } from "./quiet-log.js";
import { ToolError } from "./tool-error.js";

/**
 * `santral-hub cache purge`: drops a tenant's cached answers (or one number's) from the shared Redis cache,
 * as `Hub.purge` does inside a hub. A memory cache lives inside each running hub, out of reach from here.
 * The tenant need not load (its file may be gone): its region, for reading the number, defaults to TR.
 */
export async function purgeCache(opts: {
  configDir: string;
  tenant: string;
  number?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<{ purged: number }> {
  const env = opts.env ?? process.env;
  const hub = await loadHubConfig(opts.configDir, env);
  if (hub.cache.backend === "memory") {
    throw new ToolError(
      "memory_cache",
      "hub.yaml uses the memory cache, which lives inside each running hub: restart the hub to empty it, or use Redis (cache.backend: redis) to purge from here",
    );
  }
  const region = await loadTenantFile(`${hub.tenantsDir}/${opts.tenant}.yaml`, env).then(
    (t) => t.region,
    () => "TR",
  );
  const cache = await createCache(hub.cache, keepingLogger());
  try {
    if (!cache.store.healthy()) throw new ToolError("unreachable", "Redis is not reachable: nothing was purged");
    return { purged: await purgeAnswers(cache, opts.tenant, region, opts.number) };
  } catch (error) {
    if (error instanceof ToolError) throw error;
    if (/not a phone number/.test((error as Error).message))
      throw new ToolError("bad_number", (error as Error).message);
    throw new ToolError("unreachable", `Redis did not answer: ${(error as Error).message}`);
  } finally {
    await cache.store.close();
  }
}
