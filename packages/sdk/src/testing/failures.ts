import { describe, expect, it } from "vitest";
import { isCrmError } from "../errors.js";
import type { CrmAdapter } from "../plugin.js";
import { caller, recordingLogger, type Suite } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";

/** An outage must throw a tagged `CrmError`, never look like "not found": only found and not-found are cached. */
export function failureTests(suite: Suite): void {
  const make = suite.unavailable;
  const kind = suite.unavailableKind;
  const title = make
    ? "when the backend is unavailable"
    : "when the backend is unavailable (skipped: testPlugin() was given no unavailable() config)";
  describe.skipIf(!make)(title, () => {
    it(`create() or lookup() rejects with a CrmError of kind "${kind}"`, async () => {
      const log = recordingLogger();
      let adapter: CrmAdapter | undefined;
      let error: unknown;
      try {
        const config = suite.plugin.configSchema.parse(await make?.());
        adapter = await suite.plugin.create(config, { ...suite.context, log });
        await adapter.lookup({ phone: caller(N.plain) }, { signal: new AbortController().signal, log });
      } catch (e) {
        error = e;
      } finally {
        await adapter?.close?.();
      }
      expect(error, "the lookup rejected").toBeDefined();
      expect(isCrmError(error), `a CrmError, not ${String(error)}`).toBe(true);
      if (isCrmError(error)) {
        expect(error.kind).toBe(kind);
        expect(error.plugin).toBe(suite.plugin.name);
      }
    });
  });
}
