import { describe, expect, it } from "vitest";
import { SDK_CONTRACT_VERSION } from "../plugin.js";
import { caller, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/** Core loads plugins by package name, checks their contract, and closes adapters on reload and shutdown. */
export function lifecycleTests(suite: Suite): void {
  describe("plugin and adapter lifecycle", () => {
    it("the plugin is built with definePlugin() against this contract version", () => {
      expect(suite.plugin.name).toMatch(/\S/);
      expect(suite.plugin.contract).toBe(SDK_CONTRACT_VERSION);
      expect(typeof suite.plugin.configSchema.parse).toBe("function");
    });

    it("close() resolves and can be awaited, and a second close() is harmless", async () => {
      await withAdapter(suite, async ({ adapter, lookup }) => {
        await lookup({ phone: caller(N.plain) });
        // withAdapter closes it again: a second close must be harmless too (reloads race with shutdown)
        await expect(Promise.resolve(adapter.close?.())).resolves.toBeUndefined();
      });
    });
  });
}
