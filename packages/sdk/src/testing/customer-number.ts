import { describe, expect, it } from "vitest";
import { ids, type Suite, withAdapter } from "./harness.js";
import { CUSTOMER_NUMBERS } from "./records.js";

/** Digits the caller typed in the IVR. A plugin that cannot search them says so in `capabilities`. */
export function customerNumberTests(suite: Suite): void {
  const unsupported = suite.plugin.capabilities.customerNumber === false;
  const title = unsupported
    ? "lookup() by customer number (skipped: plugin declares capabilities.customerNumber = false)"
    : "lookup() by customer number";
  describe.skipIf(unsupported)(title, () => {
    it("lookup() finds a record by the customer number the caller typed", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ customerNumber: CUSTOMER_NUMBERS.known });
        expect(ids(contacts)).toContain("customer");
        const c = contacts.find((c) => ids([c])[0] === "customer");
        if (c?.customerNumber !== undefined) expect(c.customerNumber.replace(/\D/g, "")).toBe(CUSTOMER_NUMBERS.known);
      });
    });

    it("lookup() returns [] for an unknown customer number", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        expect(await lookup({ customerNumber: CUSTOMER_NUMBERS.unknown })).toEqual([]);
      });
    });
  });
}
