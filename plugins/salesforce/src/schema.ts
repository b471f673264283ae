import { duration } from "@santral-hub/sdk";
import { z } from "zod";
import { DEFAULT_OBJECTS, type ObjectMapping, STANDARD_OBJECTS } from "./standard.js";

// Field and object names go into SOSL and SOQL as they are (a name cannot be quoted there), so only API
// names pass: letters, digits and underscores (`Musteri_No__c`, `ns__Field__c`), dotted for relationships.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
const PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,4}$/;

const objectName = z
  .string()
  .trim()
  .regex(IDENTIFIER, "an object's API name, such as Contact or Musteri__c")
  .describe("an object's API name");
const path = z
  .string()
  .trim()
  .regex(PATH, "a field's API name (Phone, VIP__c) or a relationship path (Account.Name, Owner.Extension)")
  .describe("a field's API name or a relationship path");

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const vip = z
  .union([path, z.strictObject({ field: path, equals: z.union([scalar, z.array(scalar).min(1)]).optional() })])
  .transform((v) => {
    if (typeof v === "string") return { field: v };
    return v.equals === undefined ? { field: v.field } : { field: v.field, equals: [v.equals].flat() };
  })
  .describe("VIP rule: a checkbox field (VIP__c), or { field: Account.Type, equals: VIP } (a value or a list)");

const mapping = z
  .strictObject({
    object: objectName.describe("the object's API name: Contact, Lead, Account or a custom object"),
    phones: z
      .array(path)
      .min(1)
      .describe("its phone fields, returned verbatim for core to verify; SOSL searches every phone field"),
    name: path.optional().describe("the full name; default: firstName and lastName joined"),
    firstName: path.optional().describe("the first name"),
    lastName: path.optional().describe("the last name"),
    company: path.optional().describe("the company name, e.g. Account.Name"),
    ownerName: path.optional().describe("the owner's name, e.g. Owner.Name"),
    ownerExtension: path.optional().describe("the owner's extension, e.g. Owner.Extension"),
    vip: vip.optional(),
    tags: path.optional().describe("a field holding tags, split on ; and , (a multi-select picklist)"),
    updatedAt: path.default("LastModifiedDate").describe("last update; default LastModifiedDate"),
    createdAt: path.default("CreatedDate").describe("creation; default CreatedDate"),
    fields: z
      .record(z.string().min(1), path)
      .default({})
      .describe("other fields, exposed as contact.fields.<key> for rules and templates"),
  })
  .describe("an object searched, and which of its fields hold what");

const object = z
  .union([objectName, mapping])
  .transform((o, ctx): ObjectMapping => {
    if (typeof o !== "string") return o;
    const standard = Object.values(STANDARD_OBJECTS).find((m) => m.object.toLowerCase() === o.toLowerCase());
    if (standard) return structuredClone(standard);
    const known = Object.keys(STANDARD_OBJECTS).join(", ");
    ctx.addIssue({
      code: "custom",
      input: o,
      message: `"${o}" has no standard mapping (only ${known} have one): write { object: ${o}, phones: [...], ... }`,
    });
    return z.NEVER;
  })
  .describe("an object name (Contact, Lead, Account: their standard fields) or a full mapping");

const clientId = z.string().trim().min(1).describe("the app's consumer key");
const secret = (what: string) => z.string().trim().min(1).describe(`${what}, from the environment: \${env:…}`);

const auth = z
  .discriminatedUnion(
    "flow",
    [
      z.strictObject({
        flow: z.literal("clientCredentials"),
        clientId,
        clientSecret: secret("the app's consumer secret"),
      }),
      z.strictObject({
        flow: z.literal("jwt"),
        clientId,
        username: z.string().trim().min(1).describe("the integration user's username"),
        privateKey: secret("the PEM private key whose certificate the app holds, or a PEM file"),
        audience: z.url().optional().describe("the JWT's aud; default login.salesforce.com (test. for sandboxes)"),
      }),
      z.strictObject({
        flow: z.literal("refreshToken"),
        clientId,
        clientSecret: secret("the app's consumer secret (leave out if the app does not require it)").optional(),
        refreshToken: secret("the refresh token from the web server flow"),
      }),
    ],
    { error: () => "use clientCredentials, jwt or refreshToken" },
  )
  .describe("how the hub signs in: OAuth 2.0 client credentials, JWT bearer, or a refresh token");

const loginUrl = z
  .url({ protocol: /^https?$/ })
  .default("https://login.salesforce.com")
  .transform((u) => new URL(u).origin)
  .refine((u) => u.startsWith("https://") || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(u), {
    message: "a Salesforce URL starts with https://",
  })
  .describe("https://login.salesforce.com, https://test.salesforce.com, or the org's My Domain URL");

/** A back-off's first wait, doubled while refusals go on, up to `max`. */
const span = (first: number, max: number) =>
  z
    .strictObject({
      first: duration.default(first).describe("the first wait"),
      max: duration.default(max).describe("the longest wait, reached by doubling"),
    })
    .refine((s) => s.max >= s.first, { message: "max is shorter than first: make max at least first" })
    .prefault({});

const backoff = z
  .strictObject({
    requestLimit: span(10_000, 300_000).describe(
      "after REQUEST_LIMIT_EXCEEDED, no request to the org for this long (per org, shared by its tenants)",
    ),
    credentials: span(1_000, 60_000).describe("after refused credentials, no new token is asked for this long"),
  })
  .prefault({})
  .describe("how long the plugin stops asking an org that refused it; lookups meanwhile fail at once");

const apiVersion = z
  .union([z.number(), z.string()])
  .default("62.0")
  .transform((v) => (typeof v === "number" ? v.toFixed(1) : v.trim()))
  .pipe(z.string().regex(/^\d{2,3}\.0$/, "an API version such as 62.0"))
  .describe("the REST API version; default 62.0");

export const configSchema = z
  .strictObject({
    loginUrl,
    apiVersion,
    auth,
    objects: z
      .array(object)
      .min(1)
      .prefault([...DEFAULT_OBJECTS])
      .describe("the objects searched, most preferred first; default Contact, Lead, Account"),
    customerNumber: z
      .strictObject({
        object: objectName.describe("one of `objects`"),
        field: path.describe("the field holding the number callers type, compared with ="),
      })
      .optional()
      .describe("where the customer number typed in the IVR is looked up (SOQL)"),
    concurrency: z.number().int().min(1).max(25).default(4).describe("requests at once per org (per credentials)"),
    limit: z.number().int().min(1).max(100).default(10).describe("the most records one lookup returns"),
    requestTimeout: duration.default(10_000).describe("one HTTP request to Salesforce gives up after this long"),
    backoff,
    callLog: z
      .strictObject({
        externalId: path
          .optional()
          .describe(
            "a Task field marked External ID (Santral_Call_Id__c): upserts by the call's id; without it, CallObject is searched first",
          ),
        owners: z
          .record(
            z.string().regex(/^\d+$/, "an extension: digits"),
            z.string().regex(/^005\w{12}(\w{3})?$/, "a User id, 005…"),
          )
          .default({})
          .describe("extension → the Salesforce User who owns the call's Task (default: the integration user)"),
        status: z.string().trim().min(1).default("Completed").describe("the Task's Status"),
        dispositions: z
          .strictObject({
            answered: z.string().trim().min(1).default("Answered"),
            missed: z.string().trim().min(1).default("No Answer"),
          })
          .prefault({})
          .describe("the CallDisposition written for an answered and a missed call"),
        newLead: z
          .strictObject({
            lastName: z.string().trim().min(1).default("Bilinmeyen arayan"),
            company: z.string().trim().min(1).default("Bilinmiyor"),
          })
          .prefault({})
          .describe("for callLog.unknown: create, the Lead made for a new caller (LastName and Company are required)"),
      })
      .optional()
      .describe("write each ended call as a Task (TaskSubtype Call) on the recognised record"),
  })
  .superRefine((config, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const names = config.objects.map((o) => o.object.toLowerCase());
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) issue(["objects", i], `${config.objects[i]?.object} is listed twice; list it once`);
    });
    if (config.customerNumber && !names.includes(config.customerNumber.object.toLowerCase())) {
      const { object } = config.customerNumber;
      issue(["customerNumber", "object"], `${object} is not in objects; add it there so its fields are mapped`);
    }
    // client credentials are served only on the org's own domain; login.salesforce.com refuses the grant
    if (config.auth.flow === "clientCredentials" && /^https:\/\/(login|test)\.salesforce\.com$/.test(config.loginUrl)) {
      issue(["loginUrl"], "the client credentials flow needs the org's My Domain URL (https://acme.my.salesforce.com)");
    }
  })
  .transform((config) => {
    const cn = config.customerNumber;
    const objects = config.objects.map((o) =>
      cn && o.object.toLowerCase() === cn.object.toLowerCase() ? { ...o, customerNumber: cn.field } : o,
    );
    return { ...config, objects };
  })
  .describe("@santral-hub/plugin-salesforce: recognise callers in Salesforce with one SOSL phone search");

export type SalesforceConfig = z.output<typeof configSchema>;
export type AuthConfig = SalesforceConfig["auth"];
