import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestError } from "../errors/request-error.js";
import { readInbound } from "./body.js";
import { mergeFields, ownField } from "./fields.js";
import { parseXmlFields } from "./xml.js";

describe("mergeFields", () => {
  it("merges the query and the body, the body winning", () => {
    expect(mergeFields({ token: "q", a: "1" }, { token: "b" })).toEqual({ token: "b", a: "1" });
  });
  it("keeps every value a string", () => {
    expect(mergeFields({}, { n: 5441000000, t: true, z: null })).toEqual({ n: "5441000000", t: "true", z: "" });
  });
  it("keeps the last of a repeated field", () => {
    expect(mergeFields({ k: ["1", "2"] }, {})).toEqual({ k: "2" });
  });
  it("refuses a nested object, naming the field", () => {
    expect(() => mergeFields({}, { arayan_no: { a: 1 } })).toThrow(/field "arayan_no" must be text/);
  });
  it("keeps a __proto__ field as a field, never as the record's prototype", () => {
    const fields = mergeFields({ __proto__: "q" }, JSON.parse('{"__proto__": "x", "a": "1"}'));
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.entries(fields)).toEqual([
      ["__proto__", "x"],
      ["a", "1"],
    ]);
  });
  it("holds a request to 64 fields, names to 64 characters and values to 1024, never quoting a value", () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, "1"]));
    expect(Object.keys(mergeFields({ a: "1", b: ["1", "2", "3"] }, many))).toHaveLength(62);
    expect(catchError(() => mergeFields({ a: "1", b: ["1", "2", "3", "4"] }, many))).toMatchObject({
      code: "too_many_fields",
    });
    expect(catchError(() => mergeFields({}, { ["n".repeat(65)]: "1" }))).toMatchObject({ code: "field_too_long" });
    const long = catchError(() => mergeFields({}, { ad: "Ayşe".repeat(300) }));
    expect([long.code, long.message]).toEqual([
      "field_too_long",
      'field "ad" is 1200 characters long; it may have at most 1024',
    ]);
  });
  it("reads only the fields sent, never inherited ones", () => {
    const fields = mergeFields({}, { token: "t" });
    expect(ownField(fields, "token")).toBe("t");
    expect(ownField(fields, "constructor")).toBeUndefined();
    expect(ownField(fields, "toString")).toBeUndefined();
  });
});

describe("parseXmlFields", () => {
  it("reads the root element's children as fields", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<call>\n  <arayan_no>05441000000</arayan_no>\n  <tus_bilgisi>-1</tus_bilgisi>\n  <bos/>\n</call>';
    expect(parseXmlFields(xml)).toEqual({ arayan_no: "05441000000", tus_bilgisi: "-1", bos: "" });
  });
  it("decodes the five predefined entities and character references once", () => {
    expect(parseXmlFields("<c><a>&lt;&gt;&amp;&quot;&apos;</a><b>&#304;&#x15F;</b><d>&amp;#38;</d></c>")).toEqual({
      a: `<>&"'`,
      b: "İş",
      d: "&#38;",
    });
  });
  it("refuses a DOCTYPE before parsing anything", () => {
    const error = catchError(() =>
      parseXmlFields('<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><c><a>&x;</a></c>'),
    );
    expect(error).toMatchObject({ status: 400, code: "xml_doctype" });
  });
  it("says where malformed XML breaks", () => {
    expect(catchError(() => parseXmlFields("<c>\n<a>1</b></c>")).message).toMatch(/line 2, column \d+/);
  });
  it("refuses a body that is not one element of fields", () => {
    expect(catchError(() => parseXmlFields("<c>text</c>")).code).toBe("bad_xml");
  });
  it("refuses reserved names, nesting and too many elements before parsing, saying where", () => {
    expect(catchError(() => parseXmlFields("<c>\n  <__proto__>1</__proto__></c>"))).toMatchObject({
      code: "bad_xml",
      message: "the XML body is refused at line 2, column 3: an element has a name reserved in JavaScript",
    });
    expect(catchError(() => parseXmlFields(`<c><a>${"<b>".repeat(150)}${"</b>".repeat(150)}</a></c>`)).code).toBe(
      "bad_xml",
    );
    expect(catchError(() => parseXmlFields(`<c>${"<a/>".repeat(65)}</c>`)).code).toBe("too_many_fields");
    expect(Object.keys(parseXmlFields(`<c>${"<a/><!-- -->".repeat(64)}</c>`))).toEqual(["a"]);
  });
  it("tells the validator's kind of error, never its message, which quotes the body", () => {
    const error = catchError(() => parseXmlFields("<c><05441000000>x</05441000000></c>"));
    expect(error.message).toMatch(/^the XML body is malformed at line 1, column \d+: a tag is/);
    expect(error.message).not.toContain("0544");
  });
});

function catchError(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error("expected a RequestError");
}

describe("readInbound", () => {
  let url = "";
  let server: Server;
  beforeAll(async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      try {
        ctx.body = await readInbound(ctx, 1024);
      } catch (error) {
        ctx.status = (error as RequestError).status;
        ctx.body = { code: (error as RequestError).code };
      }
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/t/demo?token=q&a=1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const post = async (body: string | Uint8Array, type: string) => {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": type }, body });
    return [res.status, await res.json()];
  };

  it("reads a form in the charset its Content-Type names", async () => {
    const latin5 = Uint8Array.from([...Buffer.from("ad="), 0xde, 0xfc, 0x6b, 0x72, 0xfc, ...Buffer.from("&token=b")]);
    expect(await post(latin5, "application/x-www-form-urlencoded; charset=ISO-8859-9")).toEqual([
      200,
      { format: "form", fields: { token: "b", a: "1", ad: "Şükrü" } },
    ]);
    expect(await post("ad=%C5%9E%C3%BCkr%C3%BC+Bey", "application/x-www-form-urlencoded")).toEqual([
      200,
      { format: "form", fields: { token: "q", a: "1", ad: "Şükrü Bey" } },
    ]);
  });

  it("reads JSON (utf-8 by default) and XML, the body winning over the query", async () => {
    expect(await post('{"ad":"Şükrü","a":2}', "application/json")).toEqual([
      200,
      { format: "json", fields: { token: "q", a: "2", ad: "Şükrü" } },
    ]);
    expect(await post("<c><ad>Şükrü</ad></c>", "text/xml; charset=utf-8")).toEqual([
      200,
      { format: "xml", fields: { token: "q", a: "1", ad: "Şükrü" } },
    ]);
    expect(await post("", "application/json")).toEqual([200, { format: "get", fields: { token: "q", a: "1" } }]);
  });

  it("names what is wrong: an unknown charset, a body over the limit, JSON that does not parse", async () => {
    expect(await post("{}", "application/json; charset=klingon")).toEqual([415, { code: "unsupported_charset" }]);
    expect(await post(JSON.stringify({ pad: "9".repeat(2000) }), "application/json")).toEqual([
      413,
      { code: "too_large" },
    ]);
    expect(await post('{"a":', "application/json")).toEqual([400, { code: "bad_body" }]);
    expect(await post('"05441000000"', "application/json")).toEqual([400, { code: "bad_json" }]);
    expect(await post("a=1", "text/plain")).toEqual([415, { code: "unsupported_type" }]);
    expect(await post("YT0x", "application/x-www-form-urlencoded; charset=base64")).toEqual([
      415,
      { code: "unsupported_charset" },
    ]);
  });

  it("skips a byte-order mark", async () => {
    expect(await post('\uFEFF{"a":"2"}', "application/json")).toEqual([
      200,
      { format: "json", fields: { token: "q", a: "2" } },
    ]);
  });
});
