import { duration } from "@santral-hub/sdk";
import { z } from "zod";
import { type ObjectConfig, objectsSchema, property } from "./objects.js";

/** A secret from the environment (`${env:…}`); zod's messages never quote it. */
const secret = (what: string) => z.string().trim().min(1, `empty: set ${what}, e.g. \${env:HUBSPOT_TOKEN}`);

const auth = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal("privateApp"),
        accessToken: secret("accessToken").describe("the private app's access token (pat-…), from the environment"),
      })
      .describe("a private app in the tenant's HubSpot account"),
    z
      .strictObject({
        type: z.literal("oauth"),
        clientId: secret("clientId").describe("the OAuth app's client id"),
        clientSecret: secret("clientSecret").describe("the OAuth app's client secret, from the environment"),
        refreshToken: secret("refreshToken").describe(
          "the refresh token of the tenant's install, from the environment",
        ),
      })
      .describe("an OAuth app installed in the tenant's account; access tokens are refreshed as they expire"),
  ])
  .describe("how the hub signs in: { type: privateApp, accessToken } or { type: oauth, clientId, … }");

const perSecond = z.number().int().min(1).max(100);

const rateLimit = z.preprocess(
  (v) => (typeof v === "number" ? { search: v } : v),
  z
    .strictObject({
      search: perSecond.default(4).describe("search requests per second for the account (HubSpot allows 4–5)"),
      other: perSecond.default(10).describe("other requests per second (owners, tokens)"),
      account: z
        .string()
        .trim()
        .min(1)
        .optional()
        .describe("a name for the HubSpot account: tenants naming the same one share its limits"),
    })
    .describe("HubSpot's per-account limits, shared by every hub node on the same Redis; a number sets `search`"),
);

export const configSchema = z
  .strictObject({
    auth,
    objects: objectsSchema,
    customerNumber: z
      .strictObject({
        property: property.describe("the property that holds the customer number callers type"),
        object: z.enum(["contacts", "companies"]).default("contacts").describe("the object that has it"),
      })
      .optional()
      .describe("customer-number lookup: an exact match on one property"),
    owners: z
      .record(
        z.string().regex(/^\d+$/, "an owner id: digits, as in hubspot_owner_id"),
        z.union([z.string().trim().min(1), z.number().int().nonnegative().transform(String)]),
      )
      .default({})
      .describe("owner id → the owner's phone extension (HubSpot owners have none)"),
    ownerNames: z
      .boolean()
      .default(true)
      .describe("read owners' names from the owners API (needs crm.objects.owners.read); cached for an hour"),
    pick: z
      .enum(["mostRecentlyUpdated", "mostRecentlyCreated", "oldestCreated"])
      .default("mostRecentlyUpdated")
      .describe("the order of several matches of one object, best first"),
    searchAll: z
      .boolean()
      .default(false)
      .describe("search every object even when an earlier one matched (each search costs one request)"),
    limit: z.number().int().min(1).max(100).default(10).describe("the most records one lookup returns"),
    rateLimit: rateLimit.default({ search: 4, other: 10 }),
    retry: z
      .strictObject({
        maxWait: duration
          .default(2000)
          .describe("the longest Retry-After a 429 is waited out; longer gives up at once"),
        attempts: z.number().int().min(0).max(5).default(2).describe("how many 429s one request waits out"),
      })
      .default({ maxWait: 2000, attempts: 2 })
      .describe("what a 429 (too many requests) does"),
    requestTimeout: duration.default(5000).describe("one HTTP request running longer is cut (a timeout)"),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default("https://api.hubapi.com")
      .describe("HubSpot's API; change it only for a proxy or a test server"),
    callLog: z
      .strictObject({
        idProperty: z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/, "a property's internal name: lower case, digits and _")
          .default("santral_call_id")
          .describe("a call property created with hasUniqueValue: true; each call is upserted by it"),
        owners: z
          .record(z.string().regex(/^\d+$/, "an extension: digits"), z.string().regex(/^\d+$/, "an owner id: digits"))
          .default({})
          .describe("extension → the HubSpot owner of the call (hubspot_owner_id)"),
      })
      .optional()
      .describe("write each ended call as a call engagement, associated to the recognised contact or company"),
  })
  .superRefine((config, ctx) => {
    const types = config.objects.map((o) => o.type);
    const by = config.customerNumber?.object;
    if (by && !types.includes(by)) {
      ctx.addIssue({ code: "custom", path: ["customerNumber", "object"], message: `${by} is not among objects` });
    }
  })
  .describe("@santral-hub/plugin-hubspot: recognise callers with HubSpot's CRM search");

export type HubSpotConfig = z.output<typeof configSchema>;
export type AuthConfig = HubSpotConfig["auth"];
export type { ObjectConfig };
