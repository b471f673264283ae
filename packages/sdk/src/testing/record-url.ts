import { describe, expect, it } from "vitest";
import type { Contact } from "../contact.js";
import type { CrmAdapter, Logger } from "../plugin.js";
import { caller, ids, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/**
 * The link on the agent's call card: optional, so the cases are there only for a plugin that declares
 * `capabilities.recordUrl` (and then its adapter must have the method).
 */
export function recordUrlTests(suite: Suite): void {
  if (suite.plugin.capabilities.recordUrl !== true) return;
  describe("recordUrl()", () => {
    it("recordUrl() gives an absolute web address holding the id, for a contact lookup() returned", async () => {
      await withAdapter(suite, async ({ adapter, log, lookup }) => {
        expect(adapter.recordUrl, "capabilities.recordUrl is declared: the adapter has recordUrl()").toBeTypeOf(
          "function",
        );
        const contacts = await lookup({ phone: caller(N.plain) });
        const c = contacts.find((c) => ids([c])[0] === "form-trunk");
        expect(c, "the record stored as 05441000000 is found").toBeDefined();
        if (!c) return;
        const url = await linkOf(adapter, c, log);
        expect(typeof url, `recordUrl() of a contact lookup() returned is a string, not ${String(url)}`).toBe("string");
        const parsed = new URL(String(url));
        const local = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
        expect(
          parsed.protocol === "https:" || (local && parsed.protocol === "http:"),
          `${url} is https (http only for a local fake)`,
        ).toBe(true);
        expect(
          [c.id, encodeURIComponent(c.id)].some((id) => String(url).includes(id)),
          `${url} holds ${c.id}`,
        ).toBe(true);
      });
    });

    it("recordUrl() resolves to a string or undefined, never throws, for ids the CRM never returned", async () => {
      await withAdapter(suite, async ({ adapter, log, lookup }) => {
        expect(adapter.recordUrl, "capabilities.recordUrl is declared: the adapter has recordUrl()").toBeTypeOf(
          "function",
        );
        const [found] = await lookup({ phone: caller(N.plain) });
        expect(found, "the caller stored as 05441000000 is found").toBeDefined();
        if (!found) return;
        for (const id of [`${found.id}0`, "never-returned", "../x?y#z", " "]) {
          const url = await linkOf(adapter, { ...found, id }, log);
          expect(url === undefined || typeof url === "string", `recordUrl() of id "${id}" gave ${String(url)}`).toBe(
            true,
          );
        }
      });
    });
  });
}

function linkOf(adapter: CrmAdapter, contact: Contact, log: Logger): Promise<string | undefined> | undefined {
  return adapter.recordUrl?.(contact, { signal: new AbortController().signal, log });
}
