import { describe, expect, it } from "vitest";
import { caller, expectVerifiable, ids, type Suite, withAdapter } from "./harness.js";
import { ARRIVAL_FORMS, STORED_FORMS } from "./records.js";

/** The complaint against every connector studied: a known caller missed because of how the number is stored. */
export function phoneFormTests(suite: Suite): void {
  for (const form of STORED_FORMS) {
    describe(`lookup() finds a caller stored as "${form.stored}"`, () => {
      const national = form.e164.slice(3);
      it.for(ARRIVAL_FORMS)("when the call arrives as $label", async ({ format }) => {
        await withAdapter(suite, async ({ lookup }) => {
          const contacts = await lookup({ phone: caller(format(national)) });
          const c = contacts.find((c) => ids([c])[0] === form.id);
          expect(c, `the record stored as "${form.stored}" is among ${JSON.stringify(ids(contacts))}`).toBeDefined();
          if (c) expectVerifiable(c, form.e164);
        });
      });
    });
  }
}
