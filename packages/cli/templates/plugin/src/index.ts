import { type Contact, CrmError, definePlugin, type LookupQuery } from "@santral-hub/sdk";
import { z } from "zod";

// A santral-hub plugin that looks callers up in a CRM over HTTP. The request (`search`) and the record shape
// (`ApiRecord`, `toContact`) are a starting point: change them to your CRM's API, and keep the rest — the
// signal passed on, every failure thrown as a CrmError of the right kind, `[]` only for "not found".
const PLUGIN_NAME = "__NAME__";

export const configSchema = z
  .strictObject({
    baseUrl: z.url().describe("the CRM's API, e.g. https://crm.example.com/api"),
    apiToken: z
      .string()
      .min(1)
      .describe("sent as Authorization: Bearer; keep it in the hub's environment (see README)"),
    limit: z.number().int().min(1).max(10).default(10).describe("the most records one lookup returns"),
  })
  .describe("__PACKAGE__: look callers up in the CRM's HTTP API");

/** One record as the CRM's API returns it. */
interface ApiRecord {
  id: string | number;
  kind?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  phones?: string[];
  vip?: boolean;
  tags?: string[];
  owner?: { name?: string; extension?: string };
  customerNumber?: string;
  updatedAt?: string;
  createdAt?: string;
  fields?: Record<string, string>;
}

export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  create(config) {
    if (!/^https?:/.test(config.baseUrl)) {
      throw new CrmError("bad_config", PLUGIN_NAME, `baseUrl must be http(s), not ${config.baseUrl}`);
    }
    const search = (query: LookupQuery, signal: AbortSignal) => searchRecords(config, query, signal);
    return {
      async lookup(query, { signal }) {
        if (!query.phone && !query.customerNumber) return [];
        const records = await search(query, signal);
        return records.slice(0, config.limit).map(toContact);
      },
      async check({ signal }) {
        await search({ customerNumber: "0" }, signal); // any answer but an error proves the URL and the token
      },
      async close() {}, // nothing held: fetch pools its own connections
    };
  },
});

export default plugin;

/** `GET <baseUrl>/contacts?phone=+905441000000` (or `?customerNumber=`) → `{ "results": [...] }`. */
async function searchRecords(
  config: { baseUrl: string; apiToken: string },
  query: LookupQuery,
  signal: AbortSignal,
): Promise<ApiRecord[]> {
  const url = new URL(`${config.baseUrl.replace(/\/$/, "")}/contacts`);
  if (query.phone) url.searchParams.set("phone", query.phone.e164);
  else if (query.customerNumber) url.searchParams.set("customerNumber", query.customerNumber);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${config.apiToken}` }, signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new CrmError("unavailable", PLUGIN_NAME, `cannot reach ${url.origin}`, { cause: error });
  }
  if (res.status === 401 || res.status === 403) throw new CrmError("auth", PLUGIN_NAME, `refused (${res.status})`);
  if (res.status === 429) throw new CrmError("rate_limited", PLUGIN_NAME, "API quota used up");
  if (res.status === 404) throw new CrmError("bad_config", PLUGIN_NAME, `no API at ${url.pathname}`);
  if (!res.ok) throw new CrmError("unavailable", PLUGIN_NAME, `answered ${res.status}`);
  const body = (await res.json()) as { results?: ApiRecord[] };
  return body.results ?? [];
}

/** The CRM's record as the hub reads it. Never log a record: it holds numbers and names. */
function toContact(r: ApiRecord): Contact {
  const contact: Contact = { id: String(r.id), source: PLUGIN_NAME, phones: r.phones ?? [], fields: r.fields ?? {} };
  for (const key of ["kind", "name", "firstName", "lastName", "company", "customerNumber"] as const) {
    const value = r[key];
    if (value !== undefined) contact[key] = value;
  }
  if (r.vip !== undefined) contact.vip = r.vip;
  if (r.tags) contact.tags = r.tags;
  if (r.owner) contact.owner = r.owner;
  if (r.updatedAt) contact.updatedAt = r.updatedAt;
  if (r.createdAt) contact.createdAt = r.createdAt;
  return contact;
}
