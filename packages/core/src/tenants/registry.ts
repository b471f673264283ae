import { normaliseDid } from "./did.js";
import type { TenantConfig } from "./types.js";

/** The loaded tenants, by URL id and by called number. */
export class TenantRegistry {
  private readonly ids = new Map<string, TenantConfig>();
  private readonly dids = new Map<string, TenantConfig>();

  /** Throws when two tenants share an id or a DID (loadTenantDir has already reported and dropped them). */
  constructor(tenants: Iterable<TenantConfig>) {
    for (const tenant of tenants) {
      const twin = this.ids.get(tenant.id);
      if (twin) throw new Error(`tenant id "${tenant.id}" is used by both ${twin.file} and ${tenant.file}`);
      this.ids.set(tenant.id, tenant);
      for (const did of tenant.dids) {
        const owner = this.dids.get(did);
        if (owner) throw new Error(`DID ${did} belongs to both tenant "${owner.id}" and tenant "${tenant.id}"`);
        this.dids.set(did, tenant);
      }
    }
  }

  byId(id: string): TenantConfig | undefined {
    return this.ids.get(id);
  }

  /** `8503030303`, `08503030303`, `908503030303`, `+90 850 303 03 03`: every form of a DID finds its tenant. */
  byDid(called: string): TenantConfig | undefined {
    const did = normaliseDid(called);
    return did === null ? undefined : this.dids.get(did);
  }

  get size(): number {
    return this.ids.size;
  }

  all(): TenantConfig[] {
    return [...this.ids.values()];
  }
}
