import { describe, expect, it } from "vitest";
import { escapeSoql, escapeSosl } from "../src/index.js";
import { soqlString } from "../src/soql.js";
import { SOSL_RESERVED, soslPhrase } from "../src/sosl.js";
import { parseSosl } from "./fake/sosl.js";

describe("escapeSosl", () => {
  it("escapes every reserved character with a backslash", () => {
    expect(SOSL_RESERVED).toHaveLength(19);
    for (const c of SOSL_RESERVED) expect(escapeSosl(`a${c}b`), c).toBe(`a\\${c}b`);
    expect(escapeSosl("+90 (544) 100-0000")).toBe("\\+90 \\(544\\) 100\\-0000");
  });

  it("quotes a term as a phrase the fake's strict parser reads back exactly", () => {
    const nasty = `} RETURNING User(Id) "x" \\ 'y' ~*?&|!^:[]{}`;
    expect(parseSosl(`FIND {${soslPhrase(nasty)}} IN PHONE FIELDS RETURNING Contact(Id)`).terms).toEqual([nasty]);
    expect(soslPhrase("0544\n100\t00 00")).toBe('"0544 100 00 00"');
  });

  it("is what the fake checks: an unescaped reserved character is refused", () => {
    expect(() => parseSosl(`FIND {"+905441000000"} IN PHONE FIELDS RETURNING Contact(Id)`)).toThrow(
      /unescaped reserved/,
    );
    expect(() => parseSosl("FIND {0544} RETURNING User(Id)} IN PHONE FIELDS RETURNING Contact(Id)")).toThrow();
  });
});

describe("escapeSoql", () => {
  it("escapes quotes, backslashes and control characters so the literal cannot end early", () => {
    expect(escapeSoql(`1' OR Name != '`)).toBe(`1\\' OR Name != \\'`);
    expect(escapeSoql(`a\\b"c\nd\re\tf`)).toBe(`a\\\\b\\"c\\nd\\re\\tf`);
    expect(soqlString("4802135")).toBe("'4802135'");
  });
});
