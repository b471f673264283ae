import { describe, expect, it } from "vitest";
import type { Contact } from "../contact.js";
import { caller, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/** Core aborts a lookup past its deadline; the plugin must stop and answer nothing. */
export function abortTests(suite: Suite): void {
  describe("lookup() and its signal", () => {
    it("lookup() rejects, with no result, when its signal is already aborted", async () => {
      await withAdapter(suite, async ({ adapter, log }) => {
        const controller = new AbortController();
        controller.abort(new Error("deadline passed"));
        let result: Contact[] | undefined;
        const attempt = adapter.lookup({ phone: caller(N.plain) }, { signal: controller.signal, log }).then((r) => {
          result = r;
          return r;
        });
        await expect(attempt).rejects.toBeDefined();
        expect(result).toBeUndefined();
      });
    });
  });
}
