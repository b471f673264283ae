import { createHash } from "node:crypto";
import { definePlugin, type RateLimiter } from "@santral-hub/sdk";
import { HubSpotAdapter } from "./adapter.js";
import { HubSpotApi } from "./api.js";
import { type Auth, createAuth } from "./auth.js";
import { localLimiter } from "./local-limiter.js";
import { PLUGIN_NAME } from "./name.js";
import { OwnerNames } from "./owners.js";
import { type RequestOptions, send } from "./request.js";
import { type AuthConfig, configSchema } from "./schema.js";

export { requiredScopes } from "./adapter.js";
export { PLUGIN_NAME } from "./name.js";
export { configSchema, type HubSpotConfig } from "./schema.js";

/** `crm.adapter: hubspot`: callers recognised with HubSpot's CRM search, within the account's rate limits. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  capabilities: { customerNumber: true },
  create(config, ctx) {
    const account = config.rateLimit.account ?? accountOf(config.auth);
    const limiter = ctx.rateLimiter ?? localLimiter;
    const limits: Record<"search" | "other", RateLimiter> = {
      search: limiter(`hubspot:search:${account}`, config.rateLimit.search),
      other: limiter(`hubspot:other:${account}`, config.rateLimit.other),
    };
    const api = new HubSpotApi(config.baseUrl);
    const base = { limits, rates: config.rateLimit, retry: config.retry, requestTimeout: config.requestTimeout };
    const oauth = config.auth.type === "oauth" ? config.auth : undefined;
    // a refresh is a request like any other (a slot of the limit, a time-out, 429s), but sends no token;
    // it is not tied to the call that needed it, since concurrent calls wait for the same refresh
    const refresh = (refreshToken: string) =>
      send(
        { ...base, auth: TOKENLESS, log: ctx.log },
        "token refresh",
        "other",
        AbortSignal.timeout(config.requestTimeout),
        (_, signal) =>
          api.refresh(
            { clientId: oauth?.clientId ?? "", clientSecret: oauth?.clientSecret ?? "", refreshToken },
            signal,
          ),
      );
    const request: RequestOptions = { ...base, auth: createAuth(config.auth, refresh, ctx.log), log: ctx.log };
    const owners = new OwnerNames(
      (id, signal) => send(request, "owner", "other", signal, (token, s) => api.owner(id, token, s)),
      ctx.log,
    );
    return new HubSpotAdapter({ config, api, request, owners });
  },
});

export default plugin;

const TOKENLESS: Auth = { type: "oauth", token: async () => "", invalidate: () => false };

/**
 * The account a limit belongs to, when the config does not name it: a digest of the credential (never
 * the credential itself, which would end up in Redis keys).
 */
function accountOf(auth: AuthConfig): string {
  const credential = auth.type === "privateApp" ? auth.accessToken : `${auth.clientId}\n${auth.refreshToken}`;
  return createHash("sha256").update(credential).digest("hex").slice(0, 16);
}
