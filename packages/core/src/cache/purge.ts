import { parsePhone } from "@santral-hub/sdk";
import type { LookupCache } from "./lookup-cache.js";

/**
 * Drops cached answers: one number of a tenant (every stored form of it, under any adapter config), or the
 * whole tenant. Returns how many entries went. With Redis, every node's shared cache.
 */
export async function purgeAnswers(
  cache: LookupCache,
  tenant: string,
  region: string,
  number?: string,
): Promise<number> {
  if (number === undefined) return cache.purge(tenant);
  const phone = parsePhone(number, region);
  if (!phone) throw new Error(`"${number}" is not a phone number`);
  return cache.purge(tenant, { phone });
}
