import { existsSync } from "node:fs";
import path from "node:path";
import { AgentLinkError, AgentLinks } from "../agent/links.js";
import type { AgentLinkInfo } from "../agent/types.js";
import { openAgentStore } from "../follow/backends.js";
import { type HubConfig, loadHubConfig } from "../hub/config.js";
import { ToolError } from "./tool-error.js";

interface Where {
  configDir: string;
  tenant: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * `santral-hub agent link`: a personal sign-in link for one agent (an extension, and the queues whose calls
 * they see too), in the store the running hub reads (its SQLite file, or its Redis). The link's URL is
 * printed once: only its hash is kept.
 */
export async function createAgentLink(
  opts: Where & { extension: string; queues?: string[]; ttlMs?: number },
): Promise<{ url: string; id: string; expiresAt: number }> {
  return withLinks(opts, async (links, hub) => {
    const link = await links.createLink({
      tenant: opts.tenant,
      extension: opts.extension,
      queues: opts.queues ?? [],
      ttl: opts.ttlMs ?? hub.agent.linkTtl,
    });
    const base = (hub.publicUrl ?? `http://127.0.0.1:${hub.listen.port}`).replace(/\/+$/, "");
    return { url: `${base}/t/${opts.tenant}/agent?link=${link.token}`, id: link.id, expiresAt: link.expiresAt };
  });
}

/** `santral-hub agent revoke`: one link by its id, or every link of an extension; their sessions end at once. */
export async function revokeAgentLinks(opts: Where & ({ linkId: string } | { extension: string })): Promise<number> {
  return withLinks(opts, (links) =>
    links.revoke(
      "linkId" in opts
        ? { tenant: opts.tenant, linkId: opts.linkId }
        : { tenant: opts.tenant, extension: opts.extension },
    ),
  );
}

/** `santral-hub agent list`: the tenant's links, newest first, never their tokens. */
export async function listAgentLinks(opts: Where): Promise<AgentLinkInfo[]> {
  return withLinks(opts, (links) => links.list(opts.tenant));
}

async function withLinks<T>(opts: Where, work: (links: AgentLinks, hub: HubConfig) => Promise<T>): Promise<T> {
  const hub = await loadHubConfig(opts.configDir, opts.env ?? process.env);
  if (![".yaml", ".yml"].some((ext) => existsSync(path.join(hub.tenantsDir, `${opts.tenant}${ext}`)))) {
    throw new ToolError("unknown_tenant", `no tenant "${opts.tenant}": ${hub.tenantsDir} has no ${opts.tenant}.yaml`);
  }
  const { store, close } = await openAgentStore(hub);
  try {
    return await work(new AgentLinks(store, { sessionTtl: hub.agent.sessionTtl }), hub);
  } catch (error) {
    if (error instanceof AgentLinkError) throw new ToolError("bad_input", error.message);
    throw error;
  } finally {
    await close();
  }
}
