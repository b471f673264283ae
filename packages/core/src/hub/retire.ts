import type { Logger } from "@santral-hub/sdk";
import type { LiveTenant } from "./live-tenant.js";

/**
 * Tenants a reload replaced or removed. A call that found the old tenant goes on with it, and its lookup may
 * go on in the background up to the tenant's `cache.lookupLimit`: the old adapter is closed only after that,
 * so no call in flight loses its CRM connection. Shutdown closes them at once, after the calls are done.
 */
export class Retiring {
  private readonly pending = new Map<LiveTenant, NodeJS.Timeout>();

  constructor(private readonly log: Logger) {}

  retire(tenants: LiveTenant[]): void {
    for (const tenant of tenants) {
      if (this.pending.has(tenant)) continue;
      const deadlines = [...tenant.config.steps.values()].map((s) => s.deadlineMs);
      const after = Math.max(tenant.config.cache.lookupLimitMs, ...deadlines) + 1000;
      const timer = setTimeout(() => void this.close(tenant), after);
      timer.unref(); // a retired adapter never keeps the process up
      this.pending.set(tenant, timer);
    }
  }

  /** Closes every retired adapter now (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((tenant) => this.close(tenant)));
  }

  private async close(tenant: LiveTenant): Promise<void> {
    const timer = this.pending.get(tenant);
    if (!timer) return;
    clearTimeout(timer);
    this.pending.delete(tenant);
    try {
      await tenant.adapter.close?.();
    } catch (error) {
      this.log.warn({ tenant: tenant.config.id, reason: (error as Error).message }, "closing a retired adapter failed");
    }
  }
}
