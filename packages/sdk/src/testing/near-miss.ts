import { describe, expect, it } from "vitest";
import { phonesIn } from "../phone.js";
import { caller, expectVerifiable, ids, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/**
 * Fuzzy CRM searches return numbers that end alike (0532 100 00 00 for 0544 100 00 00). A plugin may pass
 * them on, since core drops a candidate whose stored phones do not parse to the caller's number; but then
 * its phones must be the real stored ones, so that core can tell.
 */
export function nearMissTests(suite: Suite): void {
  describe("lookup() by phone: a near miss", () => {
    it("lookup() returns the true record, and a near miss only with phones core can reject", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.plain) });
        expect(ids(contacts)).toContain("form-trunk");
        for (const c of contacts.filter((c) => ids([c])[0] === "near-miss")) {
          expect(c.phones.flatMap((p) => phonesIn(p))).not.toContain(N.plain);
        }
      });
    });

    it("lookup() finds the near-miss record by its own number", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.nearMiss) });
        const c = contacts.find((c) => ids([c])[0] === "near-miss");
        expect(c).toBeDefined();
        if (c) expectVerifiable(c, N.nearMiss);
      });
    });
  });
}
