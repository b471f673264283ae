import { definePlugin } from "@santral-hub/sdk";
import { SalesforceAdapter } from "./adapter.js";
import { loadPrivateKey, oauthClient, tokenGrant } from "./auth.js";
import { toCrmError } from "./errors.js";
import { leaseLimiter } from "./limiter.js";
import { PLUGIN_NAME } from "./name.js";
import { planObjects } from "./plan.js";
import { configSchema } from "./schema.js";
import { Session } from "./session.js";

export { PLUGIN_NAME } from "./name.js";
export { configSchema, type SalesforceConfig } from "./schema.js";
export { escapeSoql } from "./soql.js";
export { escapeSosl } from "./sosl.js";

/** `crm.adapter: salesforce`: one SOSL search over the phone fields of Contact, Lead and Account (jsforce). */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  capabilities: { customerNumber: true, recordUrl: true, callLog: true, createContact: true },
  async create(config, ctx) {
    const { auth, loginUrl } = config;
    // the key is checked now, so a broken one is reported when the tenant loads, not on its first call
    const key = auth.flow === "jwt" ? await loadPrivateKey(auth.privateKey, ctx.configDir) : undefined;
    const plan = planObjects(config.objects);
    const mapped = plan.objects.flatMap((o) => o.mapped);
    for (const field of plan.userFields) mapped.push({ path: field, where: "the owner paths (Owner.…)" });
    const oauth2 = oauthClient(auth, loginUrl);
    const who = auth.flow === "jwt" ? auth.username : auth.flow === "refreshToken" ? auth.refreshToken : "";
    const org = leaseLimiter([loginUrl, auth.clientId, who], config.concurrency, config.backoff.requestLimit);
    const session = new Session({
      grant: tokenGrant(auth, oauth2, key, loginUrl),
      oauth2,
      apiVersion: config.apiVersion,
      requestTimeoutMs: config.requestTimeout,
      log: ctx.log,
      pause: org.pause,
      credentials: config.backoff.credentials,
      toCrmError: (error, stage) => toCrmError(error, { stage, requestTimeoutMs: config.requestTimeout, mapped }),
    });
    return new SalesforceAdapter({ config, plan, session, limiter: org.limiter, release: org.release });
  },
  describeSearch: ({ objects, customerNumber }, by) => ({
    fields:
      by === "phone"
        ? objects.flatMap((o) => o.phones.map((field) => `${o.object}.${field}`))
        : customerNumber
          ? [`${customerNumber.object}.${customerNumber.field}`]
          : [],
    kinds: objects.map((o) => o.object),
  }),
});

export default plugin;
