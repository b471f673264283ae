import type { CrmAdapter } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { HubMetrics } from "./hub-metrics.js";
import { instrumentAdapter } from "./instrument.js";

describe("instrumentAdapter", () => {
  it("keeps every method the plugin's adapter has, calling it on the adapter", async () => {
    const calls: string[] = [];
    const adapter: CrmAdapter & { name: string } = {
      name: "acme-crm",
      lookup: async () => [],
      async check() {
        calls.push(`check ${this.name}`);
      },
      async recordUrl(contact) {
        return `https://crm.example/${this.name}/${contact.id}`;
      },
      async logCall(call) {
        return { id: `${this.name}:${call.id}`, created: true };
      },
      async createContact(caller) {
        return { id: `${this.name}:${caller.e164}`, source: "acme", phones: [caller.e164], fields: {} };
      },
      data: () => ({ version: "v1", warnings: [] }),
      async close() {
        calls.push("close");
      },
    };
    const wrapped = instrumentAdapter(adapter, "acme", new HubMetrics());
    const ctx = { signal: new AbortController().signal, log: console };
    await wrapped.check?.(ctx);
    expect(await wrapped.recordUrl?.({ id: "7", source: "acme", phones: [], fields: {} }, ctx)).toBe(
      "https://crm.example/acme-crm/7",
    );
    expect(await wrapped.logCall?.({ id: "c1" } as never, null, ctx)).toEqual({ id: "acme-crm:c1", created: true });
    expect(wrapped.data?.()).toEqual({ version: "v1", warnings: [] });
    const caller = { e164: "+905321234567", national: "5321234567", variants: [] };
    expect((await wrapped.createContact?.(caller, ctx))?.id).toBe("acme-crm:+905321234567");
    await wrapped.close?.();
    expect(calls).toEqual(["check acme-crm", "close"]);
  });

  it("adds none the adapter lacks", () => {
    const wrapped = instrumentAdapter({ lookup: async () => [] }, "bare", new HubMetrics());
    expect(Object.keys(wrapped)).toEqual(["lookup"]);
  });
});
