import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSql } from "./fixtures/adapter.js";
import type { Driver } from "./fixtures/db.js";
import { type Seeded, seedContacts, unavailableConfig } from "./fixtures/seed.js";

/** check() as `santral-hub check` runs it: the error it throws, or "ok". */
async function checked(config: Parameters<typeof openSql>[0]) {
  const sql = await openSql(config);
  try {
    await sql.check();
    return "ok";
  } catch (error) {
    return error as { kind: string; message: string };
  } finally {
    await sql.close();
  }
}

describe.for(["postgres", "mysql", "sqlite"] as const)("%s: check()", (driver: Driver) => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedContacts(driver, []);
  });
  afterAll(() => seeded?.cleanup());

  it("runs both queries once and passes when the mapping matches their columns", async () => {
    expect(await checked(seeded.config)).toBe("ok");
  });

  it("reports a mapped column the query does not return, before any call arrives", async () => {
    const columns = { ...seeded.config.columns, ownerExtension: "dahili_no" };
    expect(await checked({ ...seeded.config, columns })).toMatchObject({
      kind: "bad_config",
      message: expect.stringMatching(
        /^sql: column "dahili_no" \(columns.ownerExtension\) is not in the result of query;/,
      ),
    });
  });

  it("reports a broken customer-number query by its config key", async () => {
    const customerNumberQuery = seeded.config.customerNumberQuery?.replace("musteri_no =", "musteri_numarasi =");
    expect(await checked({ ...seeded.config, customerNumberQuery })).toMatchObject({
      kind: "bad_config",
      message: expect.stringMatching(/^sql: customerNumberQuery: .*musteri_numarasi/),
    });
  });

  it("reports an unreachable database", async () => {
    expect(await checked(unavailableConfig(driver))).toMatchObject({
      kind: driver === "sqlite" ? "bad_config" : "unavailable",
    });
  });
});
