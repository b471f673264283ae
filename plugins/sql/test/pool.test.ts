import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sharedDatabases } from "../src/index.js";
import { openSql, timed } from "./fixtures/adapter.js";
import { type Admin, openAdmin, uniqueName, urlWith } from "./fixtures/db.js";

const QUERY = "SELECT 'k1' AS id, '' AS telefon WHERE :phone <> ''";
const COLUMNS = { id: "id", phone: "telefon" };
const until = { timeout: 3000, interval: 50 };

describe("postgres: the shared pool", () => {
  let admin: Admin;
  beforeAll(async () => {
    admin = await openAdmin("postgres");
  });
  afterAll(() => admin?.close());

  /** The server connections of one pool: its URL carries a unique application_name. */
  const connections = async (name: string) =>
    (await admin.rows("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [name])).length;

  it("is shared by tenants on the same URL, opened on the first lookup, closed with the last adapter", async () => {
    const name = uniqueName("pool");
    const url = urlWith("postgres", (u) => u.searchParams.set("application_name", name));
    const before = sharedDatabases();
    const a = await openSql({ driver: "postgres", url, query: QUERY, columns: COLUMNS });
    const b = await openSql({ driver: "postgres", url, query: `${QUERY} AND 1 = 1`, columns: COLUMNS });
    expect(sharedDatabases()).toEqual({ held: before.held + 1, open: before.open });
    expect(await connections(name)).toBe(0);
    await a.byPhone("05441000000");
    await b.byPhone("05441000000");
    expect(sharedDatabases().open).toBe(before.open + 1);
    expect(await connections(name)).toBe(1);
    await a.close();
    await a.close(); // a second close is harmless and must not release b's hold
    expect(await b.byPhone("05441000000")).toHaveLength(1);
    await b.close();
    expect(sharedDatabases()).toEqual(before);
    await vi.waitFor(async () => expect(await connections(name)).toBe(0), until);
    await expect(b.byPhone("05441000000")).rejects.toMatchObject({
      kind: "unavailable",
      message: "sql: the adapter is closed",
    });
  });
});

describe.for(["postgres", "mysql"] as const)("%s: a pool with no free connection", (driver) => {
  it("is unavailable after pool.acquireTimeout, and an abort while waiting rejects at once", async () => {
    const url = urlWith(driver, () => {});
    const sleep = driver === "postgres" ? "pg_sleep(1)::text" : "SLEEP(1)";
    const pool = { max: 1, acquireTimeout: "200ms" };
    const slow = await openSql({
      driver,
      url,
      pool,
      columns: COLUMNS,
      query: `SELECT 'k1' AS id, ${sleep} AS telefon FROM (SELECT 1 AS x) AS t WHERE :phone <> ''`,
    });
    const fast = await openSql({ driver, url, pool, columns: COLUMNS, query: QUERY });
    const busy = slow.byPhone("05441000000");
    await new Promise((r) => setTimeout(r, 100));
    const { error, ms } = await timed(() => fast.byPhone("05441000000"));
    expect(error).toMatchObject({
      kind: "unavailable",
      message: expect.stringContaining("all 1 connections of the pool are busy"),
    });
    expect(ms).toBeLessThan(600);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline passed")), 50);
    await expect(fast.byPhone("05441000000", controller.signal)).rejects.toThrow("deadline passed");
    expect(await busy).toHaveLength(1);
    expect(await fast.byPhone("05441000000"), "the connection came back to the pool").toHaveLength(1);
    await Promise.all([slow.close(), fast.close()]);
  });
});
