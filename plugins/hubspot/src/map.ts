import type { Contact } from "@santral-hub/sdk";
import type { Found } from "./api.js";
import { PLUGIN_NAME } from "./name.js";
import type { ObjectConfig } from "./objects.js";
import type { HubSpotConfig } from "./schema.js";

// "vip" lowercased the Turkish way is "vıp", so dotless ı is folded to i before comparing
const YES = new Set(["1", "true", "yes", "y", "evet", "e", "x", "vip"]);

const fold = (s: string) => s.trim().toLocaleLowerCase("tr").replace(/ı/g, "i");

/** One search result as a Contact; `ownerNames` holds the names read for the owners among the results. */
export function toContact(
  found: Found,
  o: ObjectConfig,
  config: HubSpotConfig,
  ownerNames: ReadonlyMap<string, string>,
): Contact {
  const prop = (name: string | undefined) => (name === undefined ? "" : (found.properties[name] ?? "").trim());
  // verbatim and without duplicates: the calculated properties often repeat a typed one
  const phones = [...new Set(o.phoneProperties.map(prop).filter(Boolean))];
  const contact: Contact = { id: found.id, source: PLUGIN_NAME, kind: o.kind, phones, fields: {} };
  const put = (key: "firstName" | "lastName" | "name" | "company" | "customerNumber", value: string) => {
    if (value) contact[key] = value;
  };
  put("firstName", prop(o.firstName));
  put("lastName", prop(o.lastName));
  put("name", prop(o.name) || [contact.firstName, contact.lastName].filter(Boolean).join(" "));
  put("company", prop(o.company));
  if (config.customerNumber?.object === o.type) put("customerNumber", prop(config.customerNumber.property));
  if (o.vip) {
    const value = fold(prop(o.vip.property));
    contact.vip = o.vip.equals ? o.vip.equals.some((v) => fold(v) === value) : YES.has(value);
  }
  const tags = prop(o.tags)
    .split(";")
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length > 0) contact.tags = tags;
  const ownerId = prop(o.owner);
  const owner = { name: ownerNames.get(ownerId), extension: ownerId ? config.owners[ownerId] : undefined };
  if (owner.name || owner.extension) {
    contact.owner = {};
    if (owner.name) contact.owner.name = owner.name;
    if (owner.extension) contact.owner.extension = owner.extension;
  }
  // the record's own times, which HubSpot keeps on every object (hs_lastmodifieddate, createdate)
  if (isTime(found.updatedAt)) contact.updatedAt = found.updatedAt.toISOString();
  if (isTime(found.createdAt)) contact.createdAt = found.createdAt.toISOString();
  for (const [key, name] of Object.entries(o.fields)) {
    const value = prop(name);
    if (value) contact.fields[key] = value;
  }
  return contact;
}

/** The owner ids among the results, for the names to read. */
export function ownerIds(results: { found: Found; o: ObjectConfig }[]): string[] {
  return results.map(({ found, o }) => (found.properties[o.owner] ?? "").trim()).filter((id) => /^\d+$/.test(id));
}

function isTime(value: Date | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
