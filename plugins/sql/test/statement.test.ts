import { describe, expect, it } from "vitest";
import { bind, parseQuery, QueryError } from "../src/statement.js";

const phone = { phone: "+905441000000", national: "5441000000", variants: ["+905441000000", "05441000000"] };

describe("named parameters become each driver's bound placeholders", () => {
  const sql = "SELECT * FROM rehber WHERE telefon IN (:variants) OR e164 = :phone OR rakam LIKE '%' || :national";

  it("numbers them for PostgreSQL, expanding :variants to one placeholder per shape", () => {
    expect(bind(parseQuery(sql, "postgres"), "postgres", phone)).toEqual({
      sql: "SELECT * FROM rehber WHERE telefon IN ($1, $2) OR e164 = $3 OR rakam LIKE '%' || $4",
      values: ["+905441000000", "05441000000", "+905441000000", "5441000000"],
    });
  });

  it.for(["mysql", "sqlite"] as const)("writes ? for %s, one value per placeholder", (dialect) => {
    expect(bind(parseQuery(sql, dialect), dialect, phone)).toEqual({
      sql: "SELECT * FROM rehber WHERE telefon IN (?, ?) OR e164 = ? OR rakam LIKE '%' || ?",
      values: ["+905441000000", "05441000000", "+905441000000", "5441000000"],
    });
  });

  it("binds a parameter used twice once in PostgreSQL, twice with ?", () => {
    const twice = "SELECT * FROM r WHERE telefon IN (:variants) OR cep IN (:variants)";
    expect(bind(parseQuery(twice, "postgres"), "postgres", phone).sql).toBe(
      "SELECT * FROM r WHERE telefon IN ($1, $2) OR cep IN ($1, $2)",
    );
    expect(bind(parseQuery(twice, "mysql"), "mysql", phone).values).toHaveLength(4);
  });

  it("leaves :name alone inside strings, quoted names and comments, and PostgreSQL ::casts", () => {
    const text = `-- :phone in a comment
      SELECT ':phone', "a:b", $$ :national $$, E'it\\'s :x', x::text /* :y /* nested */ :z */ FROM r WHERE a = :phone;`;
    const { sql, values } = bind(parseQuery(text, "postgres"), "postgres", phone);
    expect(values).toEqual(["+905441000000"]);
    expect(sql).toContain("x::text");
    expect(sql.endsWith("WHERE a = $1")).toBe(true);
    const my = "SELECT 'it\\'s :x', `a:b`, @v := 1 # :y\nFROM r WHERE a = :phone";
    expect(bind(parseQuery(my, "mysql"), "mysql", phone).values).toEqual(["+905441000000"]);
    const lite = "SELECT [a:b], 'x '':y' FROM r WHERE a = :phone";
    expect(bind(parseQuery(lite, "sqlite"), "sqlite", phone).sql).toBe("SELECT [a:b], 'x '':y' FROM r WHERE a = ?");
  });

  it("accepts WITH, a leading parenthesis, comments first and a final semicolon", () => {
    for (const text of [
      "WITH t AS (SELECT * FROM r) SELECT * FROM t WHERE a = :phone",
      "(SELECT * FROM r WHERE a = :phone)",
      "/* lookup */ -- by phone\n select * from r where a = :phone ;  ",
    ]) {
      expect(() => parseQuery(text, "postgres"), text).not.toThrow();
    }
  });
});

describe("a query that is not one read statement is refused", () => {
  const refused = (text: string, dialect: "postgres" | "mysql" | "sqlite" = "postgres") => {
    try {
      parseQuery(text, dialect);
    } catch (error) {
      if (error instanceof QueryError) return error.message;
      throw error;
    }
    return "accepted";
  };

  it.for([
    [
      "UPDATE r SET a = 1 WHERE b = :phone",
      "must be a read statement starting with SELECT or WITH, but it starts with UPDATE",
    ],
    ["SELECT * FROM r WHERE a = :phone; DROP TABLE r", 'must be a single statement, but more SQL follows the ";"'],
    [
      "WITH d AS (DELETE FROM r RETURNING *) SELECT * FROM d WHERE a = :phone",
      "must only read, but it contains DELETE",
    ],
    ["WITH t AS (INSERT INTO log VALUES (1)) SELECT 1 WHERE :phone = ''", "must only read, but it contains INSERT"],
    ["SELECT * INTO kopya FROM r WHERE a = :phone", "must only read, but it contains INTO"],
    ["SELECT * FROM r WHERE a = :phone FOR UPDATE", "must only read, but it contains UPDATE"],
    ["", "is empty; write a SELECT"],
  ] as const)("%j", ([text, message]) => {
    expect(refused(text)).toBe(message);
  });

  it("names an unknown parameter and lists the real ones", () => {
    expect(refused("SELECT * FROM r WHERE a = :telefon")).toBe(
      "uses :telefon, which is not a parameter; the parameters are :phone, :national, :variants, :customerNumber",
    );
  });

  it("refuses positional placeholders, which would bypass the named ones", () => {
    expect(refused("SELECT * FROM r WHERE a = $1")).toMatch(/^uses "\$1"; write the named parameters/);
    expect(refused("SELECT * FROM r WHERE a = ?", "mysql")).toMatch(/^uses "\?"/);
    expect(refused("SELECT * FROM r WHERE a = @n", "sqlite")).toMatch(/^uses "@name"/);
  });

  it("refuses a string left open, which would hide the rest of the query", () => {
    expect(refused("SELECT * FROM r WHERE a = ':phone")).toBe("has a string or quoted name that is never closed");
  });

  it("allows write words as names and functions: MySQL's INSERT(), t.update, 'delete'", () => {
    expect(refused("SELECT INSERT(a, 1, 2, 'x'), t.update, 'delete' FROM r t WHERE a = :phone", "mysql")).toBe(
      "accepted",
    );
  });

  it("asks each query for its own parameters", () => {
    expect(() => parseQuery("SELECT * FROM r", "postgres")).toThrow(/uses none of :phone, :national, :variants/);
    expect(() => parseQuery("SELECT * FROM r WHERE no = :customerNumber", "postgres")).toThrow(
      "uses :customerNumber, which only customerNumberQuery receives",
    );
    expect(() => parseQuery("SELECT * FROM r WHERE a = :phone", "postgres", "customerNumber")).toThrow(
      "uses :phone, which only query receives",
    );
  });
});
