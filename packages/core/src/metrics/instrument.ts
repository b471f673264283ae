import { type CrmAdapter, isCrmError } from "@santral-hub/sdk";
import type { HubMetrics } from "./hub-metrics.js";

/**
 * The adapter, with each lookup timed and each failure counted by kind. Measured here rather than on the
 * call path, so the lookups that finish in the background after a deadline are counted too.
 */
export function instrumentAdapter(adapter: CrmAdapter, name: string, metrics: HubMetrics): CrmAdapter {
  const instrumented: CrmAdapter = {
    async lookup(query, ctx) {
      const started = performance.now();
      try {
        const contacts = await adapter.lookup(query, ctx);
        metrics.crmLookup(name, (performance.now() - started) / 1000);
        return contacts;
      } catch (error) {
        metrics.crmLookup(name, (performance.now() - started) / 1000, failureKind(error));
        throw error;
      }
    },
  };
  // every other method the plugin has, as it is: the card's record link, the call log, the data's version
  if (adapter.check) instrumented.check = adapter.check.bind(adapter);
  if (adapter.recordUrl) instrumented.recordUrl = adapter.recordUrl.bind(adapter);
  if (adapter.logCall) instrumented.logCall = adapter.logCall.bind(adapter);
  if (adapter.createContact) instrumented.createContact = adapter.createContact.bind(adapter);
  if (adapter.data) instrumented.data = adapter.data.bind(adapter);
  if (adapter.close) instrumented.close = adapter.close.bind(adapter);
  return instrumented;
}

/** The CrmError kind; a lookup the hub aborted at its limit is a timeout; anything else, as the call path reads it. */
function failureKind(error: unknown): string {
  if (isCrmError(error)) return error.kind;
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  return "unavailable";
}
