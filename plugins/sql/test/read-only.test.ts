import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSql } from "./fixtures/adapter.js";
import { type Admin, openAdmin, uniqueName } from "./fixtures/db.js";

const COLUMNS = { id: "id", phone: "telefon", fields: { ro: "ro" } };

/** Defence in depth behind the load-time check: the session itself refuses to write. */
describe("postgres: the session a lookup runs in", () => {
  let admin: Admin;
  const sequence = uniqueName("seq");
  beforeAll(async () => {
    admin = await openAdmin("postgres");
    await admin.exec(`CREATE SEQUENCE ${sequence}`);
  });
  afterAll(async () => {
    await admin?.exec(`DROP SEQUENCE IF EXISTS ${sequence}`);
    await admin?.close();
  });

  it("is read-only, so a query that writes through a function is bad_config", async () => {
    const reads = await openSql({
      ...{ driver: "postgres", url: admin.url, columns: COLUMNS },
      query: "SELECT 'k' AS id, '' AS telefon, current_setting('transaction_read_only') AS ro WHERE :phone <> ''",
    });
    expect((await reads.byPhone("05441000000"))[0]?.fields.ro).toBe("on");
    await reads.close();
    const writes = await openSql({
      ...{ driver: "postgres", url: admin.url, columns: COLUMNS },
      query: `SELECT 'k' AS id, '' AS telefon, nextval('${sequence}')::text AS ro WHERE :phone <> ''`,
    });
    await expect(writes.byPhone("05441000000")).rejects.toMatchObject({
      kind: "bad_config",
      message: expect.stringMatching(/^sql: query must only read \(25006: cannot execute nextval\(\) in a read-only/),
    });
    await writes.close();
    expect((await admin.rows(`SELECT last_value, is_called FROM ${sequence}`))[0]).toEqual({
      last_value: "1",
      is_called: false,
    });
  });
});

describe("mysql: the session a lookup runs in", () => {
  it("is read-only", async () => {
    const admin = await openAdmin("mysql");
    const sql = await openSql({
      ...{ driver: "mysql", url: admin.url, columns: COLUMNS },
      query: "SELECT 'k' AS id, '' AS telefon, @@session.tx_read_only AS ro FROM DUAL WHERE :phone <> ''",
    });
    expect((await sql.byPhone("05441000000"))[0]?.fields.ro).toBe("1");
    await sql.close();
    await admin.close();
  });
});
