import { describe, expect, it } from "vitest";
import { caller, expectVerifiable, ids, MAX_RESULTS, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/** A switchboard number on several records: core's match policy chooses, so the plugin must return them all. */
export function sharedNumberTests(suite: Suite): void {
  describe("lookup() by phone: a number shared by several records", () => {
    it("lookup() returns every record that holds the caller's number, each with its stored phones", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.shared) });
        expect(contacts.length).toBeLessThanOrEqual(MAX_RESULTS);
        expect(ids(contacts)).toEqual(expect.arrayContaining(["shared-a", "shared-b"]));
        for (const c of contacts) expectVerifiable(c, N.shared);
      });
    });

    it("lookup() returns each shared record's own owner", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.shared) });
        const owners = Object.fromEntries(contacts.map((c) => [ids([c])[0], c.owner?.extension]));
        expect(owners).toMatchObject({ "shared-a": "211", "shared-b": "212" });
      });
    });
  });
}
