import type { Phone } from "@santral-hub/sdk";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSql } from "./fixtures/adapter.js";
import type { Driver } from "./fixtures/db.js";
import { type Seeded, seedContacts } from "./fixtures/seed.js";

// What a hostile caller could put in arayan_no or type as a customer number, in each database's dialect
const ATTACKS = [
  "' OR '1'='1",
  "05441000000' OR 1=1 --",
  "x'); DROP TABLE musteriler; --",
  "1; DELETE FROM musteriler",
  "\\' OR 1=1 #",
  "4802135' UNION SELECT * FROM musteriler --",
  '" OR ""="',
];

/** Core only hands over parsed numbers; the adapter must still bind whatever it is given. */
const hostile = (attack: string): Phone => ({ e164: attack, national: attack, variants: [attack, `0${attack}`] });

describe.for(["postgres", "mysql", "sqlite"] as const)("values reach %s only as bound parameters", (driver: Driver) => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedContacts(driver, CONFORMANCE_RECORDS);
  });
  afterAll(() => seeded?.cleanup());

  it("an injection attempt in the caller's number finds nothing and changes nothing", async () => {
    const before = await seeded.census();
    // the seeded query binds :variants and :phone; :national is added to cover every parameter
    const query = seeded.config.query.replace("WHERE ", "WHERE m.cep = :national OR ");
    const sql = await openSql({ ...seeded.config, query });
    for (const attack of ATTACKS) expect(await sql.lookup({ phone: hostile(attack) }), attack).toEqual([]);
    await sql.close();
    expect(await seeded.census()).toEqual(before);
    expect(before.contacts).toBe(CONFORMANCE_RECORDS.length);
  });

  it("an injection attempt in the typed customer number finds nothing and changes nothing", async () => {
    const before = await seeded.census();
    const sql = await openSql(seeded.config);
    for (const attack of ATTACKS) expect(await sql.byCustomer(attack), attack).toEqual([]);
    expect(await sql.byCustomer("4802135"), "the real customer number is still found").toHaveLength(1);
    await sql.close();
    expect(await seeded.census()).toEqual(before);
  });
});
