import { describe, expect, it } from "vitest";
import { isTruthy } from "../src/cells.js";
import { mapRow, resolveColumns } from "../src/row.js";
import { configSchema } from "../src/schema.js";
import { isoTime } from "../src/time.js";
import { openSql } from "./fixtures/adapter.js";
import { MYSQL_URL, POSTGRES_URL } from "./fixtures/db.js";

const columnsOf = (columns: Record<string, unknown>) =>
  configSchema.parse({ driver: "sqlite", url: "x", query: "SELECT 1 WHERE :phone = ''", columns }).columns;

describe("row mapping", () => {
  it("reads VIP flags from booleans, numbers and Turkish words", () => {
    for (const yes of [true, 1, "1", "t", "EVET", "e", "Yes", "x", "VIP", "vıp"])
      expect(isTruthy(yes), String(yes)).toBe(true);
    for (const no of [false, 0, "0", "f", "hayır", "", null]) expect(isTruthy(no), String(no)).toBe(false);
  });

  it("writes times as ISO 8601: Dates, SQL text with or without zone, and dd.mm.yyyy", () => {
    expect(isoTime(new Date("2025-03-01T06:30:00Z"), "UTC")).toBe("2025-03-01T06:30:00.000Z");
    expect(isoTime("2025-03-01 09:30:00", "UTC")).toBe("2025-03-01T09:30:00Z");
    expect(isoTime("2025-03-01 09:30:00.125+03", "UTC")).toBe("2025-03-01T09:30:00.125+03:00");
    expect(isoTime("2025-03-01", "UTC")).toBe("2025-03-01");
    expect(isoTime("05.03.2025 14:30", "UTC")).toBe("2025-03-05T14:30:00Z");
    for (const junk of ["dün", "2025-13-45", "", null, 1740000000]) {
      expect(isoTime(junk, "UTC"), String(junk)).toBeUndefined();
    }
  });

  it("reads a time stored without zone in the configured timeZone, daylight saving included", () => {
    expect(isoTime("2025-03-01 09:30:00", "Europe/Istanbul")).toBe("2025-03-01T09:30:00+03:00");
    expect(isoTime("05.03.2025 14:30", "Europe/Istanbul")).toBe("2025-03-05T14:30:00+03:00");
    expect(isoTime("2025-07-01 12:00:00", "Europe/Berlin")).toBe("2025-07-01T12:00:00+02:00");
    expect(isoTime("2025-01-01 12:00:00", "Europe/Berlin")).toBe("2025-01-01T12:00:00+01:00");
    expect(isoTime("2025-01-01 12:00:00", "America/New_York")).toBe("2025-01-01T12:00:00-05:00");
    expect(isoTime("2025-03-01 09:30:00+00", "Europe/Istanbul"), "a stored zone wins").toBe(
      "2025-03-01T09:30:00+00:00",
    );
  });

  it("resolves mapped names ignoring case when the result has one such column", () => {
    const cols = columnsOf({ id: "No", phone: "Telefon", name: "Ad" });
    expect(resolveColumns(["no", "telefon", "ad", "AD"], cols)).toMatchObject({
      resolved: new Map([
        ["No", "no"],
        ["Telefon", "telefon"],
      ]),
      missing: [{ path: "columns.name", column: "Ad" }],
    });
  });

  it("keeps phones verbatim, one per array element, and numbers the id when the id cell is empty", () => {
    const cols = columnsOf({ phone: ["tel", "ceps"], tags: "etiket" });
    const names = resolveColumns(["id", "tel", "ceps", "etiket"], cols).resolved;
    const row = { id: null, tel: " 0212 555 12 34 ", ceps: ["0544 100 00 00", null, ""], etiket: "a; b |c" };
    expect(mapRow(row, 2, cols, names, "UTC")).toEqual({
      ...{ id: "3", source: "sql", kind: "row", phones: [" 0212 555 12 34 ", "0544 100 00 00"] },
      ...{ tags: ["a", "b", "c"], fields: {} },
    });
  });
});

describe("column types as the drivers return them", () => {
  const columns = {
    ...{ id: "id", phone: ["tel", "ceps"], vip: "vip", tags: "etiket", updatedAt: "guncel", createdAt: "kayit" },
    fields: { sayi: "sayi", Buyuk: "Buyuk" },
  };

  it("postgres: arrays, booleans, timestamptz, date, timestamp, bigint, and upper-case aliases folded", async () => {
    const sql = await openSql({
      driver: "postgres",
      url: POSTGRES_URL,
      columns,
      query: `SELECT 42 AS id, '0212 555 12 34' AS tel, ARRAY['0544 100 00 00'] AS ceps, true AS vip,
        ARRAY['altın', 'istanbul'] AS etiket, '2025-03-01 09:30:00+03'::timestamptz AS guncel,
        '2024-11-15'::date AS kayit, 9007199254740993::bigint AS sayi, 'x' AS Buyuk WHERE :phone <> ''`,
    });
    expect((await sql.byPhone("05441000000"))[0]).toEqual({
      ...{ id: "42", source: "sql", kind: "row", phones: ["0212 555 12 34", "0544 100 00 00"], vip: true },
      ...{ tags: ["altın", "istanbul"], updatedAt: "2025-03-01T06:30:00.000Z", createdAt: "2024-11-15" },
      fields: { sayi: "9007199254740993", Buyuk: "x" },
    });
    await sql.close();
  });

  it("mysql: TINYINT flags, DATETIME in timeZone, DATE as written, DECIMAL and BIGINT as text", async () => {
    const sql = await openSql({
      driver: "mysql",
      url: MYSQL_URL,
      timeZone: "Europe/Istanbul",
      columns,
      query: `SELECT 42 AS id, '0212 555 12 34' AS tel, NULL AS ceps, CAST(1 AS UNSIGNED) AS vip, 'altın|istanbul' AS etiket,
        CAST('2025-03-01 09:30:00' AS DATETIME) AS guncel, CAST('2024-11-15' AS DATE) AS kayit,
        9007199254740993 AS sayi, 'x' AS Buyuk FROM DUAL WHERE :phone <> ''`,
    });
    expect((await sql.byPhone("05441000000"))[0]).toEqual({
      ...{ id: "42", source: "sql", kind: "row", phones: ["0212 555 12 34"], vip: true },
      ...{ tags: ["altın", "istanbul"], updatedAt: "2025-03-01T09:30:00+03:00", createdAt: "2024-11-15" },
      fields: { sayi: "9007199254740993", Buyuk: "x" },
    });
    await sql.close();
  });
});
