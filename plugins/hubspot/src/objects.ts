import { z } from "zod";

export type ObjectType = "contacts" | "companies";

/** One CRM object searched, with its mapping filled in from the defaults of its type. */
export interface ObjectConfig {
  type: ObjectType;
  /** `Contact` or `company`: the kinds core's default match policy knows. */
  kind: string;
  phoneProperties: string[];
  firstName?: string;
  lastName?: string;
  name?: string;
  company?: string;
  owner: string;
  vip?: { property: string; equals?: string[] };
  tags?: string;
  fields: Record<string, string>;
}

// the calculated `searchable` properties hold the number as national digits (CRM-NOTES: unconfirmed by a
// HubSpot page, so the typed properties are searched too, and core verifies every candidate)
const DEFAULTS: Record<ObjectType, Omit<ObjectConfig, "fields">> = {
  contacts: {
    type: "contacts",
    kind: "Contact",
    phoneProperties: [
      "phone",
      "mobilephone",
      "hs_searchable_calculated_phone_number",
      "hs_searchable_calculated_mobile_number",
    ],
    firstName: "firstname",
    lastName: "lastname",
    company: "company",
    owner: "hubspot_owner_id",
  },
  companies: {
    type: "companies",
    kind: "company",
    phoneProperties: ["phone"],
    name: "name",
    owner: "hubspot_owner_id",
  },
};

export const property = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]+$/, "an internal property name (letters, digits and _), e.g. mobilephone, not its label");

const type = z.enum(["contacts", "companies"]).describe("contacts or companies");

const entry = z.strictObject({
  type,
  phoneProperties: z
    .array(property)
    .min(1)
    .max(5, "HubSpot ORs at most 5 filter groups in one search: list at most 5 phone properties")
    .optional()
    .describe("the properties searched for the caller's number; default: see the README, per object"),
  firstName: property.optional().describe("default firstname (contacts)"),
  lastName: property.optional().describe("default lastname (contacts)"),
  name: property.optional().describe("the full name; default name (companies), else firstName and lastName joined"),
  company: property.optional().describe("default company (contacts)"),
  owner: property.optional().describe("the owner id property; default hubspot_owner_id"),
  vip: z
    .strictObject({
      property: property.describe("e.g. lifecyclestage, or a custom property"),
      equals: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .optional()
        .describe("the value, or values, that make a VIP (any case); default: true, 1, yes, evet, x or vip"),
    })
    .optional()
    .describe("which property makes a record VIP"),
  tags: property.optional().describe("a multiple-checkbox property; its values (split on ;) are the tags"),
  fields: z
    .record(z.string().min(1), property)
    .default({})
    .describe("other properties, as contact.fields.<key> for rules and templates"),
});

/** `objects`: searched in this order; `contacts` alone, written as a name, takes every default. */
export const objectsSchema = z
  .array(z.preprocess((v) => (typeof v === "string" ? { type: v } : v), entry))
  .min(1)
  .prefault(["contacts"])
  .transform((entries): ObjectConfig[] =>
    entries.map((e) => {
      const { vip, ...rest } = { vip: undefined, ...e };
      const filled: ObjectConfig = { ...DEFAULTS[e.type], ...definedOnly(rest), fields: e.fields };
      if (vip) filled.vip = vip.equals ? { property: vip.property, equals: vip.equals } : { property: vip.property };
      return filled;
    }),
  )
  .superRefine((objects, ctx) => {
    objects.forEach((o, i) => {
      if (objects.findIndex((other) => other.type === o.type) !== i) {
        ctx.addIssue({ code: "custom", path: [i], message: `${o.type} is listed twice; list it once` });
      }
    });
  })
  .describe("the objects searched, in order: contacts, companies, or both");

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
