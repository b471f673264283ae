import path from "node:path";
import type { CrmAdapter, Logger, Plugin } from "@santral-hub/sdk";
import { configHash } from "../cache/key.js";
import type { Limiters } from "../limits/limiters.js";
import type { MatchPolicy } from "../lookup/policy.js";
import { loadPlugin } from "../plugins/load-plugin.js";
import { type CompiledReply, compileReply, ReplyCompileError } from "../speech/render.js";
import { compileTemplate, type Template } from "../speech/template.js";
import { ConfigError, fromZodError } from "../tenants/errors.js";
import { tokenBytes } from "../tenants/token.js";
import type { ReplyConfig, StepConfig, TenantConfig } from "../tenants/types.js";

/** What a tenant's file alone gives, before its plugin is loaded: enough to prove a call and answer a fallback. */
export interface PreparedTenant {
  config: TenantConfig;
  /** The tenant's match policy (`config.match`), as every lookup uses it. */
  policy: MatchPolicy;
  /** The token's bytes, compared in constant time with each call's. */
  tokenBytes: Buffer;
  replies: Map<ReplyConfig, CompiledReply>;
  /** The card's `card.link` template, compiled; absent when the file has none. */
  cardLink?: Template;
  /** The call log's subject and text, compiled; set when the tenant file has `callLog`. */
  callLog?: { title: Template; body: Template };
}

/**
 * A tenant whose plugin is still starting (a CSV being indexed, a CRM login): a call waits for it within
 * its step's deadline, then gets the fallback.
 */
export interface LoadingTenant extends PreparedTenant {
  readonly loading: true;
  /** The tenant once it serves; undefined if it did not start. */
  readonly live: Promise<LiveTenant | undefined>;
}

/** A tenant ready to answer calls: its config, its CRM adapter, its templates compiled. */
export interface LiveTenant extends PreparedTenant {
  readonly loading?: undefined;
  plugin: Plugin;
  adapter: CrmAdapter;
  /**
   * Part of every cache key: a change of CRM, of its config, or of the data the adapter loaded
   * (`CrmAdapter.data`, a CSV's content) never serves the old one's answers.
   */
  readonly cacheHash: string;
}

/** Compiles what the file alone decides; a ConfigError names each template that does not parse. */
export function prepareTenant(config: TenantConfig): PreparedTenant {
  return {
    config,
    policy: config.match,
    tokenBytes: tokenBytes(config.token),
    replies: compileReplies(config),
    ...(config.card.link ? { cardLink: compileTemplate(config.card.link) } : {}),
    ...(config.callLog
      ? { callLog: { title: compileTemplate(config.callLog.title), body: compileTemplate(config.callLog.body) } }
      : {}),
  };
}

/**
 * Builds a tenant from its checked config: loads its plugin, validates the plugin's own config (errors
 * name `crm.config.…` in the tenant file), creates the adapter and compiles every template.
 */
export async function startTenant(
  from: TenantConfig | PreparedTenant,
  opts: { resolveFrom: string[]; log: Logger; limiters?: Limiters },
): Promise<LiveTenant> {
  const prepared = "replies" in from ? from : prepareTenant(from);
  const { config } = prepared;
  const file = config.file;
  let plugin: Plugin;
  try {
    // a path (`./crm/our-plugin.ts`) names a plugin module of the tenant's own, relative to its file
    const { adapter } = config.crm;
    const named = /^\.{1,2}\//.test(adapter) ? path.resolve(path.dirname(file), adapter) : adapter;
    plugin = await loadPlugin(named, [...opts.resolveFrom, path.dirname(file)]);
  } catch (error) {
    throw new ConfigError(file, [{ path: "crm.adapter", message: (error as Error).message }]);
  }
  const parsed = plugin.configSchema.safeParse(config.crm.config);
  if (!parsed.success) throw fromZodError(file, parsed.error, ["crm", "config"]);
  let adapter: CrmAdapter;
  try {
    const { limiters } = opts;
    adapter = await plugin.create(parsed.data, {
      tenant: config.id,
      configDir: path.dirname(file),
      log: opts.log,
      // one budget per name for the whole hub (and, with Redis, every node): tenants on one CRM account share it
      ...(limiters ? { rateLimiter: (name: string, perSecond: number) => limiters.get(name, perSecond) } : {}),
    });
  } catch (error) {
    throw new ConfigError(file, [{ path: "crm.config", message: (error as Error).message }]);
  }
  if (config.callLog && !adapter.logCall) {
    await adapter.close?.();
    const why = plugin.capabilities.callLog
      ? `its crm.config does not enable them: see the ${plugin.name} plugin's README (sql: crm.config.callLog.insert; salesforce, hubspot: crm.config.callLog)`
      : `it cannot write to its CRM: remove callLog and take the calls from a notify webhook instead`;
    throw new ConfigError(file, [
      { path: "callLog", message: `the ${plugin.name} plugin writes no call logs here: ${why}` },
    ]);
  }
  if (config.callLog?.unknown === "create" && !adapter.createContact) {
    await adapter.close?.();
    const message = `create needs a plugin that creates records for new callers: the ${plugin.name} plugin does not here (sql: crm.config.callLog.createContact); use skip`;
    throw new ConfigError(file, [{ path: "callLog.unknown", message }]);
  }
  const configPart = configHash(config.crm.adapter, config.crm.config);
  let version: string | undefined;
  let cacheHash = configPart;
  return {
    ...prepared,
    plugin,
    adapter,
    // read per call: once a file is replaced, its "not found" answers are under keys no call asks for
    get cacheHash() {
      const now = adapter.data?.().version;
      if (now !== version) {
        version = now;
        cacheHash = now ? `${configPart}.${now}` : configPart;
      }
      return cacheHash;
    },
  };
}

/** Every reply template of the tenant, compiled; a ConfigError names each one that does not parse. */
export function compileReplies(config: TenantConfig): Map<ReplyConfig, CompiledReply> {
  const replies = new Map<ReplyConfig, CompiledReply>();
  const issues: { path: string; message: string }[] = [];
  for (const step of config.steps.values()) {
    for (const [where, reply] of replyPaths(step)) {
      try {
        replies.set(reply, compileReply(reply, where));
      } catch (error) {
        // the error names the key (`….reply.say`), not only the reply
        const named = error instanceof ReplyCompileError;
        issues.push({ path: named ? error.path : where, message: named ? error.detail : (error as Error).message });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(config.file, issues);
  return replies;
}

/** The compiled form of one of the tenant's replies (every reply is compiled when the tenant starts). */
export function compiled(tenant: PreparedTenant, reply: ReplyConfig): CompiledReply {
  const found = tenant.replies.get(reply);
  if (!found) throw new Error(`reply for result "${reply.result}" of tenant "${tenant.config.id}" was not compiled`);
  return found;
}

function* replyPaths(step: StepConfig): Generator<[string, ReplyConfig]> {
  const at = `steps.${step.name}`;
  for (const [i, rule] of step.rules.entries()) yield [`${at}.rules[${i}].reply`, rule.reply];
  yield [`${at}.fallback`, step.fallback];
}
