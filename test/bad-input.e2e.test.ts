import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleCall, type RunningHub, sendCall, startHub } from "./helpers/hub.js";

let hub: RunningHub;
beforeAll(async () => {
  hub = await startHub({ now: () => new Date("2026-11-25T08:00:00Z") });
});
afterAll(() => hub.close());

async function post(body: string, contentType: string, path = "/t/demo"): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${hub.url}${path}`, { method: "POST", headers: { "Content-Type": contentType }, body });
  return { status: res.status, body: await res.json() };
}

const error = (message: RegExp) => ({ status: "error", message: expect.stringMatching(message) });

describe("a request the hub cannot read gets a clear error and harms nothing", () => {
  it("answers 400 to a JSON body that does not parse", async () => {
    expect(await post('{"arayan_no": "0544', "application/json")).toEqual({
      status: 400,
      body: error(/does not parse/),
    });
  });

  it("answers 400 to a JSON body that is not an object of fields", async () => {
    expect(await post('["05441000000"]', "application/json")).toEqual({ status: 400, body: error(/object of fields/) });
    const nested = JSON.stringify({ ...exampleCall(), arayan_no: { x: 1 } });
    expect(await post(nested, "application/json")).toEqual({
      status: 400,
      body: error(/field "arayan_no" must be text/),
    });
  });

  it("answers 400 to malformed XML, naming where it broke", async () => {
    expect(await post("<call><arayan_no>1</call>", "text/xml")).toEqual({ status: 400, body: error(/line 1, column/) });
    expect(await post("<a>1</a><b>2</b>", "application/xml")).toEqual({
      status: 400,
      body: error(/malformed|one root/),
    });
  });

  it("refuses XML with a DOCTYPE, so no entity is ever declared or expanded", async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE call [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><call><arayan_no>&b;</arayan_no><token>demo-token-2026</token></call>`;
    expect(await post(bomb, "text/xml")).toEqual({ status: 400, body: error(/DOCTYPE/) });
  });

  it("decodes the predefined entities and character references in XML", async () => {
    const xml = "<call><arayan_no>&#48;5101234567</arayan_no><token>demo&#x2D;token&#45;2026</token></call>";
    expect(await post(xml, "application/xml")).toMatchObject({ status: 200, body: { result: "extensions" } });
  });

  it("answers 415 to a Content-Type it does not speak", async () => {
    expect(await post("arayan_no=05101234567", "text/plain")).toEqual({ status: 415, body: error(/text\/plain/) });
    expect(await post("x", "multipart/form-data; boundary=x")).toMatchObject({ status: 415 });
  });

  it("answers 413 to a body over 64 KiB, in every body format", async () => {
    const big = "9".repeat(70 * 1024);
    expect(await post(JSON.stringify({ ...exampleCall(), pad: big }), "application/json")).toMatchObject({
      status: 413,
    });
    expect(
      await post(new URLSearchParams({ ...exampleCall(), pad: big }).toString(), "application/x-www-form-urlencoded"),
    ).toMatchObject({ status: 413 });
    expect(await post(`<call><pad>${big}</pad></call>`, "text/xml")).toEqual({
      status: 413,
      body: error(/size limit/),
    });
  });

  it("answers 404 to an unknown tenant, step or called number", async () => {
    const tenant = await sendCall(`${hub.url}/t/nobody`, "json", exampleCall());
    expect([tenant.status, await tenant.json()]).toEqual([404, error(/no tenant "nobody"/)]);
    const step = await sendCall(`${hub.url}/t/demo/nostep`, "json", exampleCall());
    expect([step.status, await step.json()]).toEqual([404, error(/its steps are: welcome, musteri/)]);
    const did = await sendCall(`${hub.url}/call`, "json", exampleCall({ aranan_no: "2120000000" }));
    expect(did.status).toBe(404);
  });

  it("answers 401 to a wrong or missing token, saying which variable", async () => {
    for (const token of ["wrong", "demo-token-2025", "demo-token-20266", ""]) {
      const res = await sendCall(`${hub.url}/t/demo`, "json", exampleCall({ token }));
      expect([res.status, await res.json()]).toEqual([401, error(/static variable "token"/)]);
    }
    const { token: _, ...without } = exampleCall();
    const res = await sendCall(`${hub.url}/t/demo`, "form", without);
    expect(res.status).toBe(401);
  });

  it("keeps answering good calls after bad ones", async () => {
    await Promise.all([post("{", "application/json"), post("<x", "text/xml"), post("x", "text/plain")]);
    const res = await sendCall(`${hub.url}/t/demo`, "json", exampleCall());
    expect(await res.json()).toMatchObject({ status: "success", result: "extensions" });
  });
});
