import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExplainError, explain } from "./explain.js";

// explain() on a tenant of its own: a CSV (the csv plugin resolves from the repo root, the working
// directory) with a shared number nothing decides, one shared by one owner's two people, and a company.

const CSV = `no;tur;ad;tel;temsilci;dahili;guncelleme
1;Contact;Elif Kara;0212 333 00 00;Zeynep Demir;101;2026-11-02
2;Contact;Murat Kara;0212 333 00 00;Can Öztürk;102;2026-11-02
3;Contact;Deniz Ak;0216 444 00 00;Zeynep Demir;101;
4;Contact;Ece Ak;0216 444 00 00;Zeynep Demir;101;
5;Account;Ak Holding;0232 555 00 00;Can Öztürk;102;
`;

const TENANT = (match = "") => `
id: acme
token: s3cret-token
results: { "1": known, "2": unknown, e: error }
crm:
  adapter: csv
  config:
    file: ../acme.csv
    delimiter: ";"
    watch: false
    columns: { id: no, kind: tur, name: ad, phone: tel, ownerName: temsilci, ownerExtension: dahili, updatedAt: guncelleme }
${match}
steps:
  welcome:
    rules:
      - when: { ambiguous: true }
        reply: { result: queue, redirect: santral }
      - when: { known: true }
        reply: { result: extensions, redirect: "{{ contact.owner.extension }}", say: "Sayın {{ contact.name }}." }
      - when: { hours: { not: "09:00-18:00 mon-fri" } }
        reply: { result: announcement, redirect: mesaidisi }
      - reply: { result: "2" }
    fallback: { result: e }
`;

const NOON = new Date("2026-11-25T09:00:00Z"); // Wednesday 12:00 in Istanbul
let dir: string;

async function tenantFile(id: string, text: string) {
  await writeFile(path.join(dir, "tenants", `${id}.yaml`), text);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-explain-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "acme.csv"), CSV);
  await tenantFile("acme", TENANT());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (number: string, more: Partial<Parameters<typeof explain>[0]> = {}) =>
  explain({ configDir: dir, tenant: "acme", number, env: {}, now: NOON, ...more });

describe("explain", () => {
  it("shows an ambiguous call: both records tied, the ambiguous rule fired, nobody named", async () => {
    const e = await run("02123330000");
    expect(e.choice).toMatchObject({ contact: null, name: null, ambiguous: true, resolver: null });
    expect(e.candidates.map((c) => [c.id, c.verified, c.chosen, c.why])).toEqual([
      ["1", "kept", false, "tied on every resolver (sameOwner, kind, updated, created): the call is ambiguous"],
      ["2", "kept", false, "tied on every resolver (sameOwner, kind, updated, created): the call is ambiguous"],
    ]);
    expect(e.choice.trace.map((s) => s.outcome)).toEqual(["undecided", "undecided", "undecided", "undecided"]);
    expect(e.rule).toMatchObject({ index: 0, when: { ambiguous: true } });
    expect(e.reply).toEqual({ status: "success", result: "queue", redirect: "santral" });
    expect(e.notes).toContain("no resolver could pick one of the records: the call is ambiguous");
  });

  it("shows a route by the shared owner with the name withheld", async () => {
    const e = await run("02164440000");
    expect(e.choice).toMatchObject({ contact: "3+4", name: null, resolver: "sameOwner", nameWithheld: true });
    expect(e.candidates[0]?.why).toBe(
      "shares the owner (Zeynep Demir, 101) who gets the call; no name is said: nothing tells these people apart",
    );
    expect(e.reply).toEqual({ status: "success", result: "extensions", redirect: "101", data: "Sayın." });
  });

  it("shows a company record left out while the company fallback is off, and taken when it is on", async () => {
    const off = await run("02325550000");
    expect(off.candidates[0]?.why).toBe("a company record: not weighed, because match.companyFallback is off");
    expect(off.notes).toContain("only company records carry the number, and match.companyFallback is off");
    expect(off.rule).toMatchObject({ index: 3, when: null });

    await tenantFile("acme", TENANT("match: { companyFallback: true, limit: 1 }"));
    try {
      const on = await run("02325550000");
      expect(on.choice).toMatchObject({ contact: "5", companyFallback: true, resolver: "single" });
      expect(on.reply).toMatchObject({ redirect: "102", data: "Sayın Ak Holding." });
      const over = await run("02123330000");
      expect(over.choice).toMatchObject({ ambiguous: true, overLimit: true });
      expect(over.candidates[0]?.why).toBe("one of 2 records on the number, more than match.limit (1): ambiguous");
    } finally {
      await tenantFile("acme", TENANT());
    }
  });

  it("shows the hours rule as written, and why nothing was found", async () => {
    const e = await run("05449999999", { now: new Date("2026-11-25T18:00:00Z") });
    expect(e.rule).toMatchObject({ index: 2, when: { hours: { not: "09:00-18:00 mon-fri" } } });
    expect(e.notes).toEqual(["the CRM returned no record for any of the 15 shapes in tel"]);
    // what was searched comes from the plugin, for this tenant's config; its kinds from the column mapped
    expect(e.crm).toMatchObject({ returned: 0, searched: ["tel"], kinds: { column: "tur" } });
    const withheld = await run("gizli");
    expect(withheld).toMatchObject({ caller: null, query: null });
    expect(withheld.notes).toContain('"gizli" is not a phone number: a call from it is treated as withheld');
  });

  it("says a customer-number miss searched by the number typed, and shows no kinds for a CRM without them", async () => {
    const plain = TENANT()
      .replace("id: acme", "id: plain")
      .replace("kind: tur, ", "customerNumber: no, ")
      .replace(
        "steps:\n",
        'steps:\n  musteri:\n    lookup: customerNumber\n    rules: [{ reply: { result: "2" } }]\n    fallback: { result: e }\n',
      );
    await tenantFile("plain", plain);
    const e = await run("05449999999", { tenant: "plain", step: "musteri", customerNumber: "4242" });
    expect(e.query).toEqual({ customerNumber: "4242" });
    expect(e.crm).toMatchObject({ returned: 0, searched: ["no"], kinds: null });
    expect(e.notes).toContain("the CRM returned no record with customer number 4242 in no");
    expect(e.notes.join("\n")).not.toContain("shapes");
    const byPhone = await run("05449999999", { tenant: "plain", step: "welcome" });
    expect(byPhone.crm).toMatchObject({ searched: ["tel"], kinds: null });
  });

  it("refuses an unknown tenant, a broken one and an unknown step, saying which", async () => {
    const refusal = (opts: Partial<Parameters<typeof explain>[0]>) => run("02123330000", opts).catch((e) => e);
    const unknown = await refusal({ tenant: "nope" });
    expect(unknown).toBeInstanceOf(ExplainError);
    expect(unknown).toMatchObject({
      code: "unknown_tenant",
      message: expect.stringMatching(/tenants there are: acme/),
    });
    await tenantFile("broken", "id: broken\ntoken: s3cret-token\ncrm: { adapter: csv }\nsteps: {}\n");
    expect(await refusal({ tenant: "broken" })).toMatchObject({
      code: "broken_tenant",
      message: expect.stringMatching(/broken\.yaml: steps: add at least one step/),
    });
    await tenantFile("noplugin", TENANT().replace("id: acme", "id: noplugin").replace("adapter: csv", "adapter: nope"));
    expect(await refusal({ tenant: "noplugin" })).toMatchObject({
      code: "broken_tenant",
      message: expect.stringMatching(/crm\.adapter: plugin package "@santral-hub\/plugin-nope" or "nope" is not/),
    });
    expect(await refusal({ step: "menu" })).toMatchObject({
      code: "unknown_step",
      message: 'tenant "acme" has no step "menu"; its steps are: welcome',
    });
  });
});
