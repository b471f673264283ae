import path from "node:path";
import type { CrmAdapter, Logger, Plugin } from "@santral-hub/sdk";
import { DEFAULT_POLICY, type MatchPolicy } from "../lookup/policy.js";
import { loadPlugin } from "../plugins/load-plugin.js";
import { type CompiledReply, compileReply } from "../speech/render.js";
import { ConfigError, fromZodError } from "../tenants/errors.js";
import type { ReplyConfig, StepConfig, TenantConfig } from "../tenants/types.js";

/** A tenant ready to answer calls: its config, its CRM adapter, its templates compiled. */
export interface LiveTenant {
  config: TenantConfig;
  plugin: Plugin;
  adapter: CrmAdapter;
  policy: MatchPolicy;
  replies: Map<ReplyConfig, CompiledReply>;
}

/**
 * Builds a tenant from its checked config: loads its plugin, validates the plugin's own config (errors
 * name `crm.config.…` in the tenant file), creates the adapter and compiles every template.
 */
export async function startTenant(
  config: TenantConfig,
  opts: { resolveFrom: string[]; log: Logger },
): Promise<LiveTenant> {
  const file = config.file;
  let plugin: Plugin;
  try {
    plugin = await loadPlugin(config.crm.adapter, [...opts.resolveFrom, path.dirname(file)]);
  } catch (error) {
    throw new ConfigError(file, [{ path: "crm.adapter", message: (error as Error).message }]);
  }
  const parsed = plugin.configSchema.safeParse(config.crm.config);
  if (!parsed.success) throw fromZodError(file, parsed.error, ["crm", "config"]);
  const replies = new Map<ReplyConfig, CompiledReply>();
  const issues: { path: string; message: string }[] = [];
  for (const step of config.steps.values()) {
    for (const [where, reply] of replyPaths(step)) {
      try {
        replies.set(reply, compileReply(reply, where));
      } catch (error) {
        issues.push({ path: where, message: (error as Error).message.slice(where.length + 2) });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  let adapter: CrmAdapter;
  try {
    adapter = await plugin.create(parsed.data, {
      tenant: config.id,
      configDir: path.dirname(file),
      log: opts.log,
    });
  } catch (error) {
    throw new ConfigError(file, [{ path: "crm.config", message: (error as Error).message }]);
  }
  return { config, plugin, adapter, policy: DEFAULT_POLICY, replies };
}

/** The compiled form of one of the tenant's replies (every reply is compiled when the tenant starts). */
export function compiled(tenant: LiveTenant, reply: ReplyConfig): CompiledReply {
  const found = tenant.replies.get(reply);
  if (!found) throw new Error(`reply for result "${reply.result}" of tenant "${tenant.config.id}" was not compiled`);
  return found;
}

function* replyPaths(step: StepConfig): Generator<[string, ReplyConfig]> {
  const at = `steps.${step.name}`;
  for (const [i, rule] of step.rules.entries()) yield [`${at}.rules[${i}].reply`, rule.reply];
  yield [`${at}.fallback`, step.fallback];
}
