import { createHash } from "node:crypto";
import { definePlugin } from "@santral-hub/sdk";
import { HubSpotAdapter } from "./adapter.js";
import { answeredWindow } from "./answered-window.js";
import { HubSpotApi } from "./api.js";
import { type Auth, createAuth } from "./auth.js";
import { PLUGIN_NAME } from "./name.js";
import { OwnerNames } from "./owners.js";
import { AccountDetails } from "./record-url.js";
import { type Budget, type RequestOptions, send } from "./request.js";
import { type AuthConfig, configSchema } from "./schema.js";

export { requiredScopes } from "./adapter.js";
export { PLUGIN_NAME } from "./name.js";
export { configSchema, type HubSpotConfig } from "./schema.js";

/** `crm.adapter: hubspot`: callers recognised with HubSpot's CRM search, within the account's rate limits. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  capabilities: { customerNumber: true, recordUrl: true, callLog: true, createContact: true },
  create(config, ctx) {
    const account = config.rateLimit.account ?? accountOf(config.auth);
    // this process's requests are counted until answered; the hub's limiter (absent outside a hub) keeps
    // the nodes sharing its Redis to one rate together
    const budget = (kind: "search" | "other"): Budget => {
      const name = `hubspot:${kind}:${account}`;
      const shared = ctx.rateLimiter?.(name, config.rateLimit[kind]);
      return { local: answeredWindow(name), ...(shared ? { shared } : {}) };
    };
    const limits = { search: budget("search"), other: budget("other") };
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
    // shared by concurrent callers, so tied to none of their signals: each request is still cut at requestTimeout
    const details = new AccountDetails(() =>
      send(request, "account details", "other", new AbortController().signal, (token, signal) =>
        api.account(token, signal),
      ),
    );
    return new HubSpotAdapter({ config, api, request, owners, account: details });
  },
  describeSearch: ({ objects, customerNumber }, by) => ({
    fields:
      by === "phone"
        ? objects.flatMap((o) => o.phoneProperties.map((p) => `${o.type}.${p}`))
        : customerNumber
          ? [`${customerNumber.object}.${customerNumber.property}`]
          : [],
    kinds: objects.map((o) => o.kind),
  }),
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
