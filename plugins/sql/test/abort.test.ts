import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openSql, timed } from "./fixtures/adapter.js";
import { type Admin, openAdmin, uniqueName } from "./fixtures/db.js";

const SLOW = {
  postgres: "SELECT 'k1' AS id, '' AS telefon FROM (SELECT pg_sleep(5)) AS slow WHERE :phone <> ''",
  mysql: "SELECT 'k1' AS id, '' AS telefon FROM (SELECT SLEEP(5) AS z) AS slow WHERE :phone <> ''",
} as const;
// statements still running whose text holds the marker, other than the one asking
const RUNNING = {
  postgres: "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
  mysql: "SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()",
} as const;

describe.for(["postgres", "mysql"] as const)("%s: an aborted lookup", (driver) => {
  let admin: Admin;
  beforeAll(async () => {
    admin = await openAdmin(driver);
  });
  afterAll(() => admin?.close());

  it("rejects with the signal's reason at once and cancels the statement on the server", async () => {
    const marker = uniqueName("abort");
    const sql = await openSql({
      driver,
      url: admin.url,
      query: `/* ${marker} */ ${SLOW[driver]}`,
      statementTimeout: "20s",
      columns: { id: "id", phone: "telefon" },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline passed")), 300);
    const { error, ms } = await timed(() => sql.byPhone("05441000000", controller.signal));
    expect(error).toMatchObject({ message: "deadline passed" });
    expect(ms).toBeLessThan(1000);
    await vi.waitFor(async () => expect(await admin.rows(RUNNING[driver], [`%${marker}%`])).toEqual([]), {
      timeout: 2000,
      interval: 50,
    });
    // the cancelled connection was dropped: the next lookup runs on a fresh one, and is cancelled alike
    const again = new AbortController();
    setTimeout(() => again.abort(new Error("second deadline")), 100);
    await expect(sql.byPhone("05441000000", again.signal)).rejects.toThrow("second deadline");
    await sql.close();
  });
});

describe("sqlite: an aborted lookup", () => {
  it("is refused before the statement runs (SQLite statements cannot be interrupted)", async () => {
    const sql = await openSql({
      driver: "sqlite",
      url: "/nonexistent/rehber.sqlite",
      query: "SELECT * FROM rehber WHERE telefon = :phone",
      columns: { phone: "telefon" },
    });
    const controller = new AbortController();
    controller.abort(new Error("deadline passed"));
    // the missing file is never opened: the abort comes first
    await expect(sql.byPhone("05441000000", controller.signal)).rejects.toThrow("deadline passed");
    await sql.close();
  });
});
