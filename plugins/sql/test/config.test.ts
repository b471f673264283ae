import { describe, expect, it } from "vitest";
import { configSchema, plugin } from "../src/index.js";
import { memoryLog } from "./fixtures/adapter.js";

const base = {
  driver: "postgres",
  url: "postgres://santral:secret@db.example:5432/crm",
  query: "SELECT * FROM rehber WHERE telefon IN (:variants)",
  columns: { phone: "telefon" },
};

const issues = (config: Record<string, unknown>) =>
  configSchema.safeParse(config).error?.issues.map((i) => ({ path: i.path.join("."), message: i.message }));

describe("config", () => {
  it("fills in the defaults", () => {
    expect(configSchema.parse(base)).toEqual({
      ...base,
      columns: { id: "id", phone: ["telefon"], fields: {} },
      limit: 10,
      pool: { max: 5, acquireTimeout: 2000 },
      statementTimeout: 5000,
      timeZone: "UTC",
    });
  });

  it("reads durations as 1500ms, 2s, 1m or milliseconds", () => {
    for (const [given, ms] of [
      ["1500ms", 1500],
      ["2s", 2000],
      ["0.5s", 500],
      ["1m", 60_000],
      [750, 750],
    ] as const) {
      expect(configSchema.parse({ ...base, statementTimeout: given }).statementTimeout).toBe(ms);
    }
    expect(issues({ ...base, statementTimeout: "soon" })).toEqual([
      { path: "statementTimeout", message: '"soon" is not a duration; write 1500ms, 2s, 10m or 1h' },
    ]);
  });

  it("refuses a write query when the tenant file loads, at its path", () => {
    expect(issues({ ...base, query: "DELETE FROM rehber WHERE telefon = :phone" })).toEqual([
      { path: "query", message: "must be a read statement starting with SELECT or WITH, but it starts with DELETE" },
    ]);
    expect(issues({ ...base, customerNumberQuery: "SELECT 1 WHERE :customerNumber = ''; DROP TABLE rehber" })).toEqual([
      { path: "customerNumberQuery", message: 'must be a single statement, but more SQL follows the ";"' },
    ]);
  });

  it("refuses a write query in create() too, naming the config key", async () => {
    const config = {
      ...configSchema.parse(base),
      query: "WITH x AS (UPDATE r SET a = 1) SELECT * FROM x WHERE a = :phone",
    };
    await expect(plugin.create(config, { tenant: "t", configDir: "/", log: memoryLog() })).rejects.toMatchObject({
      kind: "bad_config",
      message: "sql: query must only read, but it contains UPDATE",
    });
  });

  it("checks the URL's scheme against the driver without quoting the URL", () => {
    const found = issues({ ...base, driver: "mysql" });
    expect(found).toEqual([{ path: "url", message: "a mysql URL starts with mysql:// or mariadb://" }]);
    expect(JSON.stringify(found)).not.toContain("secret");
  });

  it("reports a misspelt key with its path", () => {
    expect(issues({ ...base, pool: { size: 3 } })?.[0]).toMatchObject({ path: "pool" });
    expect(configSchema.safeParse({ ...base, columns: { phone: "t", ownerExt: "d" } }).error?.issues[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["ownerExt"],
      path: ["columns"],
    });
  });

  it("refuses a time zone Node does not know", () => {
    expect(issues({ ...base, timeZone: "Türkiye" })).toEqual([
      { path: "timeZone", message: "not a time zone; use an IANA name like UTC or Europe/Istanbul" },
    ]);
  });

  it("refuses tls for a SQLite file", () => {
    expect(issues({ ...base, driver: "sqlite", url: "rehber.sqlite", tls: {} })).toEqual([
      { path: "tls", message: "sqlite reads a file: remove tls" },
    ]);
  });

  it("describes every key, for santral-hub check and the docs", () => {
    for (const [key, field] of Object.entries(configSchema.shape)) expect(field.description, key).toMatch(/\w/);
    for (const [key, field] of Object.entries(configSchema.shape.columns.shape)) {
      expect(field.description, `columns.${key}`).toMatch(/\w/);
    }
  });
});
