import { describe, expect, it } from "vitest";
import { caller, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/** `[]` is the only way to say "not found": an outage must throw instead (see failures.ts). */
export function notFoundTests(suite: Suite): void {
  describe("lookup() by phone: not found", () => {
    it("lookup() returns [] for an unknown phone", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        expect(await lookup({ phone: caller(N.unknown) })).toEqual([]);
      });
    });

    it("lookup() returns [] for a query with neither phone nor customer number", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        expect(await lookup({})).toEqual([]);
      });
    });
  });
}
