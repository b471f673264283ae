import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSql } from "./fixtures/adapter.js";
import { type Seeded, seedContacts } from "./fixtures/seed.js";

// The query reports which server connection ran it, so the test kills exactly that one and no other run's
const BACKEND = { postgres: "pg_backend_pid()", mysql: "CONNECTION_ID()" } as const;
const KILL = { postgres: "SELECT pg_terminate_backend($1)", mysql: "KILL ?" } as const;

describe.for(["postgres", "mysql"] as const)("%s: a killed connection", (driver) => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedContacts(driver, CONFORMANCE_RECORDS);
  });
  afterAll(() => seeded?.cleanup());

  it("is replaced, and the next lookup succeeds", async () => {
    const query = seeded.config.query.replace("SELECT m.*", `SELECT m.*, ${BACKEND[driver]} AS baglanti`);
    const columns = { ...seeded.config.columns, fields: { baglanti: "baglanti" } };
    const sql = await openSql({ ...seeded.config, query, columns, pool: { max: 1 } });
    const first = (await sql.byPhone("05441000000"))[0]?.fields.baglanti;
    expect(first).toMatch(/^\d+$/);
    await seeded.admin.exec(KILL[driver], [Number(first)]);
    // at once, before the pool may have noticed: a lookup on the dead connection is retried on a new one
    const next = await sql.byPhone("05441000000");
    expect(next.map((c) => c.id)).toEqual(["form-trunk"]);
    expect(next[0]?.fields.baglanti).not.toBe(first);
    expect(await sql.byPhone("05441000000")).toHaveLength(1);
    await sql.close();
    // either the pool saw the idle connection close, or the lookup met it and retried: logged by code only
    const warnings = sql.log.all.filter((e) => e.level === "warn");
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatchObject({ plugin: "sql", code: expect.any(String) });
    expect(JSON.stringify(sql.log.all)).not.toContain("5441000000");
  });
});
