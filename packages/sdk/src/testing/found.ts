import { describe, expect, it } from "vitest";
import { caller, expectVerifiable, ids, nameOf, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N, record } from "./records.js";

/** A known caller comes back with what core needs: where it was found, its stored phones, its mapped fields. */
export function foundTests(suite: Suite): void {
  describe("lookup() by phone: found", () => {
    it("lookup() returns the caller's record, tagged with the plugin's name and a non-empty id", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.plain) });
        expect(ids(contacts)).toContain("form-trunk");
        for (const c of contacts.filter((c) => ids([c])[0] === "form-trunk")) expectVerifiable(c, N.plain);
      });
    });

    it("lookup() maps name, company, VIP flag, owner name and extension, tags and fields", async () => {
      const seeded = record("form-trunk");
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.plain) });
        const c = contacts.find((c) => ids([c])[0] === "form-trunk");
        expect(c, "the record stored as 05441000000 is found").toBeDefined();
        if (!c) return;
        expect(nameOf(c)).toBe(seeded.name);
        expect(c.company).toBe(seeded.company);
        expect(c.vip).toBe(true);
        expect(c.owner).toEqual({ name: seeded.ownerName, extension: seeded.ownerExtension });
        expect([...(c.tags ?? [])].sort()).toEqual([...(seeded.tags ?? [])].sort());
        expect(c.fields).toMatchObject(seeded.fields ?? {});
      });
    });

    it("lookup() returns names as stored, in capitals, without re-casing (İLKER IŞIK) and no VIP flag", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        const contacts = await lookup({ phone: caller(N.capitals) });
        const c = contacts.find((c) => ids([c])[0] === "capitals");
        expect(c, "the record named İLKER IŞIK is found").toBeDefined();
        if (!c) return;
        expectVerifiable(c, N.capitals);
        expect(nameOf(c)).toBe("İLKER IŞIK");
        if (c.firstName !== undefined) expect(c.firstName).toBe("İLKER");
        expect(c.vip ?? false).toBe(false);
      });
    });

    it("lookup() finds a record by either of two numbers written in one field", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        for (const e164 of [N.twoInOneMobile, N.twoInOneLandline]) {
          const contacts = await lookup({ phone: caller(e164) });
          const c = contacts.find((c) => ids([c])[0] === "two-in-one");
          expect(c, `the record holding "0212 555 12 34 / 0544 100 00 08" is found by ${e164}`).toBeDefined();
          if (c) expectVerifiable(c, e164);
        }
      });
    });

    it("lookup() finds a record by the number in any of its phone fields", async () => {
      await withAdapter(suite, async ({ lookup }) => {
        for (const e164 of [N.customerLandline, N.customerMobile]) {
          const contacts = await lookup({ phone: caller(e164) });
          const c = contacts.find((c) => ids([c])[0] === "customer");
          expect(c, `the record with two phone fields is found by ${e164}`).toBeDefined();
          if (c) expectVerifiable(c, e164);
        }
      });
    });
  });
}
