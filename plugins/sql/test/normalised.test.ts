import { readFileSync } from "node:fs";
import { parsePhone } from "@santral-hub/sdk";
import { ARRIVAL_FORMS, CONFORMANCE_RECORDS, STORED_FORMS } from "@santral-hub/sdk/testing";
import { describe, expect, it } from "vitest";
import { openSql } from "./fixtures/adapter.js";
import type { Driver } from "./fixtures/db.js";
import { seedContacts } from "./fixtures/seed.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The migration the README gives for `driver`, statement by statement: the docs are what is tested. */
function migration(driver: Driver): string[] {
  const block = new RegExp(`\`\`\`sql\\n-- normalise: ${driver}\\n([\\s\\S]*?)\`\`\``).exec(README)?.[1];
  if (!block) throw new Error(`README.md has no "-- normalise: ${driver}" block`);
  return block
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ""))
    .filter(Boolean);
}

describe.for(["postgres", "mysql", "sqlite"] as const)("%s: the README's normalised column", (driver: Driver) => {
  it("is added by the documented migration and finds every stored form with IN (:variants)", async () => {
    const seeded = await seedContacts(driver, CONFORMANCE_RECORDS);
    try {
      for (const statement of migration(driver)) {
        await seeded.admin.exec(statement.replace(/\bmusteriler\b/g, seeded.tables.contacts));
      }
      const query = `SELECT * FROM ${seeded.tables.contacts} WHERE telefon_rakam IN (:variants) ORDER BY musteri_id`;
      const sql = await openSql({ ...seeded.config, query, customerNumberQuery: undefined });
      for (const form of STORED_FORMS) {
        for (const { label, format } of ARRIVAL_FORMS) {
          const contacts = await sql.lookup({ phone: parsePhone(format(form.e164.slice(3))) ?? undefined });
          expect(
            contacts.map((c) => c.id),
            `"${form.stored}" called as ${label}`,
          ).toEqual([form.id]);
        }
      }
      await sql.close();
    } finally {
      await seeded.cleanup();
    }
  });
});
