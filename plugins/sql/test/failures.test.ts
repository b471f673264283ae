import { isCrmError } from "@santral-hub/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSql, timed } from "./fixtures/adapter.js";
import { CLOSED_PORT, type Driver, uniqueName, urlWith } from "./fixtures/db.js";
import { type Seeded, seedContacts } from "./fixtures/seed.js";

const SLEEP: Record<"postgres" | "mysql", string> = {
  postgres: "(SELECT pg_sleep(3)) AS slow",
  mysql: "(SELECT SLEEP(3) AS z) AS slow",
};

/** Looks a caller up once and returns the error, which must be a CrmError. */
async function failure(config: Parameters<typeof openSql>[0]) {
  const sql = await openSql(config);
  const { error, ms } = await timed(() => sql.byPhone("05441000000"));
  await sql.close();
  expect(isCrmError(error), `a CrmError, not ${String(error)}`).toBe(true);
  return { error: error as { kind: string; message: string }, ms };
}

describe.for(["postgres", "mysql", "sqlite"] as const)("%s failures map to CrmError kinds", (driver: Driver) => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedContacts(driver, []);
  });
  afterAll(() => seeded?.cleanup());

  it("a query naming a missing column is bad_config, naming the column", async () => {
    const query = seeded.config.query.replace("SELECT m.*", "SELECT m.*, m.soyadi");
    const { error } = await failure({ ...seeded.config, query });
    expect(error.kind).toBe("bad_config");
    expect(error.message).toMatch(/^sql: query: .*soyadi/);
  });

  it("a query naming a missing table is bad_config, naming the table", async () => {
    const query = seeded.config.query.replace(seeded.tables.phones, `${seeded.tables.phones}_yok`);
    const { error } = await failure({ ...seeded.config, query });
    expect(error).toMatchObject({ kind: "bad_config", message: expect.stringContaining("musteri_telefon_yok") });
  });

  it("a mapped column the query does not return is bad_config, naming it and its config path", async () => {
    const { error } = await failure({ ...seeded.config, columns: { ...seeded.config.columns, name: "adi_soyadi" } });
    expect(error.kind).toBe("bad_config");
    expect(error.message).toMatch(
      /^sql: column "adi_soyadi" \(columns.name\) is not in the result of query; its columns are: musteri_id, tur, telefon/,
    );
  });
});

describe("sqlite: a missing file", () => {
  it("is bad_config, naming the path tried", async () => {
    const columns = { phone: "telefon" };
    const query = "SELECT * FROM rehber WHERE telefon = :phone";
    const { error } = await failure({ driver: "sqlite", url: "yok/rehber.sqlite", query, columns });
    expect(error.kind).toBe("bad_config");
    expect(error.message).toContain(`cannot open the SQLite file ${process.cwd()}/yok/rehber.sqlite`);
  });
});

describe.for(["postgres", "mysql"] as const)("%s server failures", (driver) => {
  const config = (url: string, query = "SELECT * FROM rehber WHERE telefon IN (:variants)", timeout = 5000) => ({
    driver,
    url,
    query,
    statementTimeout: timeout,
    columns: { id: "id", phone: "telefon" },
  });

  it("bad credentials are auth", async () => {
    const url = urlWith(driver, (u) => {
      u.username = uniqueName("nobody");
      u.password = "yanlis";
    });
    const { error } = await failure(config(url));
    expect(error.kind).toBe("auth");
    expect(error.message).not.toContain("yanlis");
  });

  it("a refused connection is unavailable, at once", async () => {
    const url = urlWith(driver, (u) => {
      u.port = String(CLOSED_PORT);
    });
    const { error, ms } = await failure(config(url));
    expect(error).toMatchObject({ kind: "unavailable", message: "sql: cannot reach the database (ECONNREFUSED)" });
    expect(ms).toBeLessThan(1000);
  });

  it("a slow query is cut at the statement time-out and is a timeout", async () => {
    const slow = `SELECT 'k1' AS id, '' AS telefon FROM ${SLEEP[driver]} WHERE :phone <> ''`;
    const { error, ms } = await failure(
      config(
        urlWith(driver, () => {}),
        slow,
        300,
      ),
    );
    expect(error).toMatchObject({ kind: "timeout", message: "sql: query ran longer than statementTimeout (300 ms)" });
    expect(ms).toBeLessThan(2000);
  });
});
