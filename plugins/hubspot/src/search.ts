import type { Phone } from "@santral-hub/sdk";
import type { SearchBody } from "./api.js";
import type { ObjectConfig } from "./objects.js";
import type { HubSpotConfig } from "./schema.js";

/** HubSpot's cap on the values of one IN filter. */
const MAX_VALUES = 100;

/** The property each `pick` sorts on, per object (contacts name their modification date differently). */
const SORTS: Record<HubSpotConfig["pick"], (o: ObjectConfig) => SearchBody["sorts"][number]> = {
  mostRecentlyUpdated: (o) => ({
    propertyName: o.type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate",
    direction: "DESCENDING",
  }),
  mostRecentlyCreated: () => ({ propertyName: "createdate", direction: "DESCENDING" }),
  oldestCreated: () => ({ propertyName: "createdate", direction: "ASCENDING" }),
};

/**
 * The caller's number in every stored shape, one filter group per phone property (groups are OR-ed):
 * one IN filter per group, so the config's cap of 5 phone properties keeps within HubSpot's 5 groups.
 */
export function phoneSearch(o: ObjectConfig, phone: Phone, config: HubSpotConfig): SearchBody {
  const values = [...new Set(phone.variants.length > 0 ? phone.variants : [phone.e164])].slice(0, MAX_VALUES);
  return {
    filterGroups: o.phoneProperties.map((propertyName) => ({
      filters: [{ propertyName, operator: "IN", values }],
    })),
    properties: requested(o, config),
    sorts: [SORTS[config.pick](o)],
    limit: config.limit,
  };
}

export function customerNumberSearch(o: ObjectConfig, typed: string, config: HubSpotConfig): SearchBody {
  const propertyName = config.customerNumber?.property ?? "";
  return {
    filterGroups: [{ filters: [{ propertyName, operator: "EQ", value: typed }] }],
    properties: requested(o, config),
    sorts: [SORTS[config.pick](o)],
    limit: config.limit,
  };
}

/** Only what the mapping reads: HubSpot returns nothing else, and nothing personal goes unused. */
export function requested(o: ObjectConfig, config: HubSpotConfig): string[] {
  const wanted = [
    ...o.phoneProperties,
    o.firstName,
    o.lastName,
    o.name,
    o.company,
    o.vip?.property,
    o.tags,
    ...Object.values(o.fields),
    config.customerNumber?.object === o.type ? config.customerNumber.property : undefined,
    config.ownerNames || Object.keys(config.owners).length > 0 ? o.owner : undefined,
  ];
  return [...new Set(wanted.filter((p): p is string => p !== undefined))];
}
