import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "./fake/server.js";
import { caller, fakeConfig, fakeWith, open } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

// core builds the shapes from a parsed number, but an adapter must not trust them: these would break out
const HOSTILE = [`"} IN ALL FIELDS RETURNING User(Id, Username)`, `05441000000" OR "*`, `\\"} ~ ^ & | ! [ ] : ' - +`];

describe("input with SOSL and SOQL reserved characters", () => {
  it("is searched as text: the fake's strict parser accepts the SOSL, and nothing else is found", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    const phone = { ...caller("05449999999"), variants: HOSTILE };
    expect(await lookup({ phone })).toEqual([]);
    const [search] = fake.received.filter((r) => r.kind === "search");
    expect(search?.q).toMatch(/^FIND \{"\\"\\} IN ALL FIELDS RETURNING User\\\(Id, Username\\\)" OR /);
  });

  it("still finds the caller when one shape is real and the others are hostile", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    const phone = { ...caller("05441000000"), variants: [...HOSTILE, "+90 (544) 100-0005"] };
    expect((await lookup({ phone })).map((c) => c.phones)).toEqual([["+90 (544) 100-0005"]]);
  });

  it("typed into the IVR, is one quoted SOQL value: an injection finds nothing", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    for (const typed of [
      `1' OR Musteri_No__c != '`,
      `4802135\\' OR Name != \\'`,
      `4802135'`,
      `"4802135"`,
      "4802135\n1",
    ]) {
      expect(await lookup({ customerNumber: typed }), typed).toEqual([]);
    }
    expect(fake.received.filter((r) => r.kind === "query").map((r) => r.q?.split(" WHERE ")[1])).toEqual([
      `Musteri_No__c = '1\\' OR Musteri_No__c != \\'' LIMIT 10`,
      `Musteri_No__c = '4802135\\\\\\' OR Name != \\\\\\'' LIMIT 10`,
      `Musteri_No__c = '4802135\\'' LIMIT 10`,
      `Musteri_No__c = '\\"4802135\\"' LIMIT 10`,
      `Musteri_No__c = '4802135\\n1' LIMIT 10`,
    ]);
  });

  it("is refused by the fake when left unescaped, so the tests above would catch a missing escape", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const form = {
      grant_type: "client_credentials",
      client_id: fake.app.clientId,
      client_secret: fake.app.clientSecret,
    };
    const token = await fetch(`${fake.url}/services/oauth2/token`, { method: "POST", body: new URLSearchParams(form) });
    const { access_token } = (await token.json()) as { access_token: string };
    const ask = async (kind: string, q: string) => {
      const url = `${fake?.url}/services/data/v62.0/${kind}?q=${encodeURIComponent(q)}`;
      const response = await fetch(url, { headers: { Authorization: `Bearer ${access_token}` } });
      return { status: response.status, body: await response.json() };
    };
    expect(await ask("query", "SELECT Id FROM Contact WHERE Musteri_No__c = '1' OR Name != '' LIMIT 10")).toEqual({
      status: 400,
      body: [{ errorCode: "MALFORMED_QUERY", message: "unexpected token: OR" }],
    });
    expect(await ask("search", 'FIND {"+905441000000"} IN PHONE FIELDS RETURNING Contact(Id)')).toMatchObject({
      status: 400,
      body: [{ errorCode: "MALFORMED_SEARCH" }],
    });
  });
});
