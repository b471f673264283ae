import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { createApp, createLogger, Hub, loadHubConfig } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TOKEN, exampleCall, REPO, sendCall } from "./helpers/hub.js";

// The real hub, with its log lines kept: what it logs about a refused request is part of what is tested here.
const logLines: string[] = [];
let url = "";
let close: () => Promise<void>;
beforeAll(async () => {
  const config = await loadHubConfig(path.join(REPO, "config"), {});
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger("debug", { pretty: true, stream: sink });
  const hub = await Hub.start({ config, log, resolveFrom: [REPO], env: {} });
  const server = createApp(hub).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  };
});
afterAll(() => close());

async function post(
  body: string | Uint8Array,
  type: string,
  opts: { path?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; message: string }> {
  const res = await fetch(`${url}${opts.path ?? "/t/demo"}`, {
    method: "POST",
    headers: { "Content-Type": type, ...opts.headers },
    body,
  });
  const answer = (await res.json()) as { message?: string; result?: string };
  return { status: res.status, message: answer.message ?? `result ${answer.result}` };
}

const xml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><call>${inner}</call>`;
const xmlCall = (fields: Record<string, string> = exampleCall()) =>
  xml(
    Object.entries(fields)
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join(""),
  );

/** exampleCall() and `extra` more static variables. */
const withExtra = (extra: number) => {
  const fields = exampleCall();
  for (let i = 0; i < extra; i++) fields[`v${i}`] = String(i);
  return fields;
};

describe("an XML body is held to what a call can be before it is parsed", () => {
  it("answers 400 bad_xml to elements named __proto__, constructor or prototype", async () => {
    for (const name of ["__proto__", "constructor", "prototype"]) {
      expect(await post(xmlCall({ ...exampleCall(), [name]: "1" }), "text/xml")).toEqual({
        status: 400,
        message: expect.stringMatching(/line 1, column \d+: an element has a name reserved/),
      });
    }
  });

  it("answers 400 bad_xml to an element nested in a field, however deep", async () => {
    for (const depth of [1, 200]) {
      const nested = `${"<a>".repeat(depth)}1${"</a>".repeat(depth)}`;
      expect(await post(xml(`<token>${DEMO_TOKEN}</token><x>${nested}</x>`), "text/xml")).toEqual({
        status: 400,
        message: expect.stringMatching(/an element is nested in a field/),
      });
    }
  });

  it("answers 400 to 64 KiB of empty elements, counting fields rather than parsing them", async () => {
    const body = xml("<a/>".repeat(16_000));
    expect(body.length).toBeGreaterThan(64_000);
    expect(await post(body, "text/xml")).toEqual({
      status: 400,
      message: expect.stringMatching(/more than 64 fields/),
    });
  });

  it("answers 400 to an element name longer than a field's name can be", async () => {
    const name = "n".repeat(65);
    expect(await post(xmlCall({ ...exampleCall(), [name]: "1" }), "text/xml")).toEqual({
      status: 400,
      message: expect.stringMatching(/an element's name is 65 characters; at most 64/),
    });
  });

  it("still answers a call of 64 fields in XML", async () => {
    expect(await post(xmlCall(withExtra(64 - 7)), "text/xml")).toEqual({ status: 200, message: "result extensions" });
  });
});

describe("a request has at most 64 fields, in every format", () => {
  it("answers a call of 64 fields and refuses one of 65, as JSON, a form or a query", async () => {
    const ok = withExtra(64 - 7);
    const over = withExtra(65 - 7);
    expect((await sendCall(`${url}/t/demo`, "json", ok)).status).toBe(200);
    expect((await sendCall(`${url}/t/demo`, "form", ok)).status).toBe(200);
    for (const format of ["json", "form", "get", "xml"] as const) {
      const res = await sendCall(`${url}/t/demo`, format, over);
      expect([format, res.status, await res.json()]).toEqual([
        format,
        400,
        { status: "error", message: expect.stringMatching(/the request has more than 64 fields/) },
      ]);
    }
  });

  it("counts the query's fields and a repeated field's every value", async () => {
    const query = new URLSearchParams(withExtra(40)).toString();
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`b${i}`, "1"])));
    expect(await post(body, "application/json", { path: `/t/demo?${query}` })).toMatchObject({ status: 400 });
    const repeated = `${new URLSearchParams(exampleCall())}${"&v=1".repeat(60)}`;
    expect(await post(repeated, "application/x-www-form-urlencoded")).toMatchObject({
      status: 400,
      message: expect.stringMatching(/more than 64 fields/),
    });
  });
});

describe("a field is no longer than such a field can be", () => {
  const refused = (field: string, length: number, limit: number) => ({
    status: 400,
    message: `field "${field}" is ${length} characters long; it may have at most ${limit}`,
  });

  it("takes a customer number of 32 digits and refuses one of 33, naming the field and its limit", async () => {
    const typed = await sendCall(`${url}/t/demo/musteri`, "json", exampleCall({ tus_bilgisi: "7".repeat(32) }));
    expect([typed.status, await typed.json()]).toEqual([200, expect.objectContaining({ result: "3" })]);
    const long = await sendCall(`${url}/t/demo/musteri`, "json", exampleCall({ tus_bilgisi: "7".repeat(33) }));
    expect([long.status, await long.json()]).toEqual([
      400,
      { status: "error", message: refused("tus_bilgisi", 33, 32).message },
    ]);
    const huge = await sendCall(`${url}/t/demo/musteri`, "form", exampleCall({ tus_bilgisi: "7".repeat(60_000) }));
    expect(huge.status).toBe(400);
  });

  it("refuses a phone number over 32 characters and a call id over 128, in every format", async () => {
    for (const format of ["get", "form", "json", "xml"] as const) {
      const phone = await sendCall(`${url}/t/demo`, format, exampleCall({ arayan_no: "5".repeat(33) }));
      expect({ status: phone.status, message: ((await phone.json()) as { message: string }).message }).toEqual(
        refused("arayan_no", 33, 32),
      );
      const id = await sendCall(`${url}/t/demo`, format, exampleCall({ arama_id: "1".repeat(129) }));
      expect(id.status).toBe(400);
    }
  });

  it("refuses any other field over 1024 characters, and a field name over 64, before the token is checked", async () => {
    const long = JSON.stringify({ ...exampleCall({ token: "wrong" }), not: "x".repeat(1025) });
    expect(await post(long, "application/json")).toEqual(refused("not", 1025, 1024));
    const name = JSON.stringify({ ...exampleCall(), ["n".repeat(65)]: "1" });
    expect(await post(name, "application/json")).toEqual({
      status: 400,
      message: expect.stringMatching(/name is 65 characters long; a name may have at most 64/),
    });
  });
});

describe("a body is read as the text it is, or refused with 415", () => {
  it("reads JSON and XML after a UTF-8 byte-order mark", async () => {
    expect(await post(`\uFEFF${JSON.stringify(exampleCall())}`, "application/json")).toEqual({
      status: 200,
      message: "result extensions",
    });
    expect(await post(`\uFEFF${xmlCall()}`, "text/xml")).toEqual({ status: 200, message: "result extensions" });
  });

  it("answers 415 to a compressed body instead of reading it (and answering 401)", async () => {
    const body = gzipSync(JSON.stringify(exampleCall()));
    for (const encoding of ["gzip", "deflate", "br"]) {
      expect(await post(body, "application/json", { headers: { "Content-Encoding": encoding } })).toEqual({
        status: 415,
        message: `Content-Encoding "${encoding}" is not supported; send the body uncompressed, without a Content-Encoding header`,
      });
    }
    const plain = { headers: { "Content-Encoding": "identity" } };
    expect(await post(JSON.stringify(exampleCall()), "application/json", plain)).toMatchObject({ status: 200 });
  });

  it("answers 415 to a charset that is not a text encoding", async () => {
    const form = new URLSearchParams(exampleCall()).toString();
    const encoded: Record<string, string> = {
      base64: Buffer.from(form).toString("base64"),
      binary: form,
      "utf-7": form,
      UTF7: form,
      hex: Buffer.from(form).toString("hex"),
    };
    for (const [charset, body] of Object.entries(encoded)) {
      expect(await post(body, `application/x-www-form-urlencoded; charset=${charset}`)).toEqual({
        status: 415,
        message: expect.stringMatching(/charset is not a text encoding/),
      });
    }
    const latin5 = `${form}&ad=%DE%FCkr%FC`;
    expect(await post(latin5, "application/x-www-form-urlencoded; charset=ISO-8859-9")).toMatchObject({
      status: 200,
    });
  });
});

describe("an error never quotes the body, in its answer or in the log", () => {
  const PHONE = "05449876543";
  const NAME = "Ayşegül Yılmazer";
  const TOKEN = "s3cr3tT0ken";
  /** Pieces of the personal data a quote of ten characters of the body would show. */
  const PIECES = ["449876", "9876543", "Ayşe", "Yılmaz", "s3cr3t", "T0ken"];

  const bodies: [string, string | Uint8Array, string, Record<string, string>?][] = [
    ["JSON cut short", `{"arayan_no":"${PHONE}","ad":"${NAME}","token":"${TOKEN}`, "application/json"],
    ["a number with a leading zero", `{"arayan_no":${PHONE}}`, "application/json"],
    ["a bare token", `{"token":${TOKEN}}`, "application/json"],
    ["a bare name", `${NAME}`, "application/json"],
    ["text after the object", `{"a":"1"}${TOKEN}`, "application/json"],
    ["not an object", `["${PHONE}","${NAME}"]`, "application/json"],
    ["a nested field", JSON.stringify({ arayan_no: { n: PHONE }, ad: NAME }), "application/json"],
    ["a long field", JSON.stringify({ ad: NAME.repeat(100), token: TOKEN }), "application/json"],
    ["a long phone", JSON.stringify({ arayan_no: PHONE.repeat(4), token: DEMO_TOKEN }), "application/json"],
    ["a long name", JSON.stringify({ [NAME.repeat(5)]: "1" }), "application/json"],
    [
      "too many fields",
      JSON.stringify(Object.fromEntries(PIECES.concat(...Array(20).fill(PIECES)).map((p, i) => [`${p}${i}`, p]))),
      "application/json",
    ],
    [
      "a form's long field",
      `arayan_no=${PHONE}&ad=${encodeURIComponent(NAME.repeat(100))}`,
      "application/x-www-form-urlencoded",
    ],
    ["XML with a mismatched tag", `<call><arayan_no>${PHONE}</arayan_no><ad>${NAME}</a></call>`, "text/xml"],
    ["XML whose tag is a number", `<call><${PHONE}>${NAME}</${PHONE}></call>`, "text/xml"],
    ["XML with text after the root", `<call><ad>${NAME}</ad></call>${TOKEN}`, "text/xml"],
    ["XML with a stray character", `<call><ad>${NAME}</ad> <${TOKEN}!></call>`, "text/xml"],
    ["XML with an unclosed tag", `<call><token>${TOKEN}</token><ad>${NAME}`, "text/xml"],
    ["XML with a bad attribute", `<call ${TOKEN}="x" ${TOKEN}="y"><ad>${NAME}</ad></call>`, "text/xml"],
    ["XML with a reserved name", `<call><ad>${NAME}</ad><constructor>${PHONE}</constructor></call>`, "text/xml"],
    ["XML nested too deep", `<call><ad>${"<b>".repeat(120)}${NAME}${"</b>".repeat(120)}</ad></call>`, "text/xml"],
    ["XML with a DOCTYPE", `<!DOCTYPE c><call><ad>${NAME}</ad><token>${TOKEN}</token></call>`, "text/xml"],
    ["a charset that is not text", `ad=${NAME}&token=${TOKEN}`, "application/x-www-form-urlencoded; charset=base64"],
    ["an unknown charset", `ad=${NAME}&token=${TOKEN}`, "application/x-www-form-urlencoded; charset=klingon"],
    [
      "a compressed body",
      gzipSync(`ad=${NAME}&token=${TOKEN}`),
      "application/x-www-form-urlencoded",
      { "Content-Encoding": "gzip" },
    ],
    ["a wrong token", `arayan_no=${PHONE}&ad=${NAME}&token=${TOKEN}`, "application/x-www-form-urlencoded"],
    ["a type not spoken", `arayan_no=${PHONE}&token=${TOKEN}`, "text/plain"],
    ["a body over the limit", JSON.stringify({ ad: NAME, token: TOKEN, pad: PHONE.repeat(7000) }), "application/json"],
  ];

  it("names positions, counts, fields and limits, never what the caller sent", async () => {
    const answers: string[] = [];
    for (const [what, body, type, headers] of bodies) {
      const answer = await post(body, type, headers ? { headers } : {});
      expect([what, answer.status >= 400 && answer.status < 500]).toEqual([what, true]);
      answers.push(`${what}: ${answer.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // the log stream's last writes
    // the scan below scans something: at least the first refusal of each kind is logged
    const codes = new Set(logLines.map((line) => /"code":"([a-z_]+)"/.exec(line)?.[1]));
    for (const code of ["bad_body", "bad_json", "bad_field", "field_too_long", "too_many_fields", "bad_xml"]) {
      expect(codes).toContain(code);
    }
    const quoting = [...answers, ...logLines].filter((text) => PIECES.some((piece) => text.includes(piece)));
    expect(quoting).toEqual([]);
  });
});
