import { createHash } from "node:crypto";
import type { LookupQuery } from "@santral-hub/sdk";

/**
 * A short, stable hash of a tenant's adapter and its config: part of every key, so a tenant whose CRM
 * changes never gets the old CRM's answers.
 */
export function configHash(adapter: string, config: unknown): string {
  return createHash("sha256").update(stableJson({ adapter, config })).digest("base64url").slice(0, 12);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `sh:{acme}:` — the braces keep a tenant's keys in one Redis Cluster slot, so a purge scans one node. */
export function tenantPrefix(tenant: string): string {
  return `sh:{${tenant}}:`;
}

/** The part of a key that names the query: `p:+905441000000` or `c:10002`. */
export function querySuffix(query: LookupQuery): string {
  return query.phone ? `p:${query.phone.e164}` : `c:${query.customerNumber ?? ""}`;
}

export function cacheKey(tenant: string, hash: string, query: LookupQuery): string {
  return `${tenantPrefix(tenant)}${hash}:${querySuffix(query)}`;
}
