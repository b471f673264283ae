import { describe, expect, it } from "vitest";
import { caller, expectVerifiable, ids, MAX_RESULTS, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N, record } from "./records.js";

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

  // The match policy's `updated` and `created` resolvers read these times: without them, a shared number
  // that owners do not settle is ambiguous. A CRM that keeps none says so in `capabilities`.
  const untimed = suite.plugin.capabilities.timestamps === false;
  const title = untimed
    ? "lookup() returns record times (skipped: plugin declares capabilities.timestamps = false)"
    : "lookup() returns record times, for the match policy";
  describe.skipIf(untimed)(title, () => {
    it("lookup() returns each shared record's update time, the instant stored", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.shared) });
        for (const id of ["shared-a", "shared-b"]) {
          const c = contacts.find((c) => ids([c])[0] === id);
          expect(c?.updatedAt, `${id}.updatedAt`).toBeDefined();
          expect(Date.parse(c?.updatedAt ?? ""), `${id}.updatedAt`).toBe(Date.parse(record(id).updatedAt ?? ""));
        }
      });
    });

    it("lookup() returns a record's creation time where it has one", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.plain) });
        const c = contacts.find((c) => ids([c])[0] === "form-trunk");
        expect(c?.createdAt, "form-trunk.createdAt").toBeDefined();
        expect(Date.parse(c?.createdAt ?? "")).toBe(Date.parse(record("form-trunk").createdAt ?? ""));
      });
    });
  });
}
