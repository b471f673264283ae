/**
 * The conformance kit: `testPlugin()` runs the contract's tests against a plugin and its backend.
 * Import it only from test files: it needs vitest, an optional peer dependency of the sdk.
 */
import { afterAll, beforeAll, describe } from "vitest";
import type { z } from "zod";
import { abortTests } from "./abort.js";
import { callLogTests } from "./call-log.js";
import { customerNumberTests } from "./customer-number.js";
import { failureTests } from "./failures.js";
import { foundTests } from "./found.js";
import type { Suite } from "./harness.js";
import { lifecycleTests } from "./lifecycle.js";
import { nearMissTests } from "./near-miss.js";
import { notFoundTests } from "./not-found.js";
import { phoneFormTests } from "./phone-forms.js";
import { recordUrlTests } from "./record-url.js";
import { CONFORMANCE_RECORDS } from "./records.js";
import { sharedNumberTests } from "./shared-number.js";
import type { CallLogOptions, Seeded, TestPluginOptions } from "./types.js";

export {
  ARRIVAL_FORMS,
  CONFORMANCE_NUMBERS,
  CONFORMANCE_RECORDS,
  CUSTOMER_NUMBERS,
  STORED_FORMS,
} from "./records.js";
export type { CallLogOptions, Seeded, SeedRecord, TestPluginOptions, WrittenCall } from "./types.js";

/** Registers the conformance suite for `plugin`; call it at the top level of a test file. */
export function testPlugin<S extends z.ZodType>(options: TestPluginOptions<S>): void {
  const { plugin } = options;
  let seeded: Seeded<z.input<S>> | undefined;
  const suite: Suite = {
    plugin,
    config: () => {
      if (!seeded) throw new Error(`${plugin.name}: seed() did not complete, see the error in beforeAll`);
      return seeded.config;
    },
    unavailableKind: options.unavailableKind ?? "unavailable",
    context: { tenant: "conformance", configDir: process.cwd(), ...options.context },
  };
  if (options.unavailable) suite.unavailable = options.unavailable;

  describe(`plugin "${plugin.name}" conforms to the @santral-hub/sdk contract`, () => {
    beforeAll(async () => {
      seeded = await options.seed(CONFORMANCE_RECORDS);
    });
    afterAll(async () => {
      await seeded?.cleanup?.();
    });

    lifecycleTests(suite);
    foundTests(suite);
    phoneFormTests(suite);
    notFoundTests(suite);
    sharedNumberTests(suite);
    nearMissTests(suite);
    customerNumberTests(suite);
    abortTests(suite);
    failureTests(suite);
    recordUrlTests(suite);
    callLogTests(suite, options.callLog as CallLogOptions<unknown> | undefined);
  });
}
