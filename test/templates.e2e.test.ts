import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { createApp, createLogger, Hub, loadHubConfig } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, sendCall } from "./helpers/hub.js";

// A template's work is bounded by counts (parts rendered, characters, list items), never by a clock: what
// the source alone makes too heavy is refused when the file loads, and a render that goes over its budget on
// one contact's data answers the step's fallback, the same on the first call as on the hundredth.

const TOKEN = "template-token-1";
const MANY = Array.from({ length: 40 }, (_, i) => `t${i}`).join(",");

const CSV = `musteri_no;ad;soyad;telefon;etiketler
1;Ayşe;Kaya;05441000001;${MANY}
2;Can;Demir;05441000002;a,b,c
`;

const tenant = (id: string, say: string) => `
id: ${id}
token: ${TOKEN}
results: { "1": known, "2": unknown, e: the CRM could not tell }
crm:
  adapter: csv
  config:
    file: ../data/contacts.csv
    delimiter: ";"
    columns: { id: musteri_no, phone: telefon, firstName: ad, lastName: soyad, tags: etiketler }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply:
          result: "1"
          say: ${JSON.stringify(say)}
      - reply: { result: "2" }
    fallback: { result: e, say: "Sizi müşteri temsilcisine aktarıyoruz." }
`;

// every tag, for every tag, for every tag: 27 parts for 3 tags, 64,000 for 40
const CUBED =
  "{% for a in contact.tags %}{% for b in contact.tags %}{% for c in contact.tags %}{{ c }}{% endfor %}{% endfor %}{% endfor %}";
// 100 × 100 × 10 iterations, known from the source alone
const LITERAL =
  "{% for i in (1..100) %}{% for j in (1..100) %}{% for k in (1..10) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}";

let hub: Hub;
let url = "";
let close: () => Promise<void>;
let dir: string;
const logLines: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-templates-"));
  await mkdir(path.join(dir, "tenants"));
  await mkdir(path.join(dir, "data"));
  await writeFile(path.join(dir, "hub.yaml"), "");
  await writeFile(path.join(dir, "data", "contacts.csv"), CSV);
  await writeFile(path.join(dir, "tenants", "heavy.yaml"), tenant("heavy", CUBED));
  await writeFile(path.join(dir, "tenants", "literal.yaml"), tenant("literal", LITERAL));
  // the real hub, with its log kept: what it logs of a failed template is part of what is tested
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger("info", { pretty: true, stream: sink });
  hub = await Hub.start({ config: await loadHubConfig(dir, {}), log, resolveFrom: [REPO], env: {} });
  const server = createApp(hub).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  };
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

const call = (id: string, caller: string) =>
  sendCall(`${url}/t/${id}`, "json", { arayan_no: caller, arama_id: "1", token: TOKEN });

describe("a template over its render budget", () => {
  it("answers the step's fallback with 200, not a 500", async () => {
    const res = await call("heavy", "05441000001");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "success",
      result: "e",
      data: "Sizi müşteri temsilcisine aktarıyoruz.",
    });
  });

  it("logs which tenant, step, rule and key failed and why, and none of the caller's data", () => {
    const warnings = logLines.filter((line) => line.includes("answering the fallback"));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toContain('{"tenant":"heavy","step":"welcome","rule":0,"key":"say","reason":"steps"}');
    expect(warnings[0]).toMatch(/more than 500 parts/);
    expect(warnings.join("\n")).not.toMatch(/Ayşe|Kaya|05441000001|5441000001|t39/);
  });

  it("answers the same on every call, cold or warm: the budget is a count, not a clock", async () => {
    const answers: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("heavy", "05441000001");
      answers.push({ status: res.status, body: await res.json() });
    }
    for (const answer of answers)
      expect(answer).toEqual({ status: 200, body: expect.objectContaining({ result: "e" }) });
  });

  it("renders the same template in full for a contact whose data fits the budget", async () => {
    const res = await call("heavy", "05441000002");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: string; data: string };
    expect(body.result).toBe("1");
    expect(body.data).toBe("abc".repeat(9));
  });
});

describe("a template too heavy by its source alone", () => {
  it("is refused when the file loads, naming the file, step, rule and key", () => {
    const messages = hub.errors.map((e) => e.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(path.join(dir, "tenants", "literal.yaml"));
    expect(messages[0]).toMatch(/steps\.welcome\.rules\[0\]\.reply\.say: the template would render \d+ parts/);
    expect(messages[0]).toMatch(/over the limit of \d+/);
  });

  it("leaves the other tenants serving", async () => {
    expect((await call("literal", "05441000002")).status).toBe(404);
    expect((await call("heavy", "05441000002")).status).toBe(200);
  });
});
