import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { explain } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleCall, FORMATS, REPO, type RunningHub, sendCall, startHub } from "./helpers/hub.js";

// Recognising the right caller on the real hub: a number shared by two records, numbers stored in messy
// forms, and a CRM whose fuzzy search returns near misses.

const OFFICE_HOURS = new Date("2026-11-25T08:00:00Z"); // Wednesday 11:00 in Istanbul

describe("the demo tenant recognises the right caller", () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub({ now: () => OFFICE_HOURS });
  });
  afterAll(() => hub.close());

  // 0212 333 00 00 is Elif Kara's (owner 101, updated 2026-11-02) and Murat Kara's (owner 102, updated
  // 2026-10-20): the owners differ and both are CSV rows, so `updated` decides, for Elif.
  const ELIF = { status: "success", result: "queue", redirect: "satis", data: "Sayın E** K** hoş geldiniz." };

  for (const format of FORMATS) {
    it(`answers the shared number with the policy's choice, every time (${format})`, async () => {
      for (let i = 0; i < 3; i++) {
        const res = await sendCall(`${hub.url}/t/demo`, format, exampleCall({ arayan_no: "02123330000" }));
        expect(await res.json()).toEqual(ELIF);
      }
    });
  }

  it("answers the shared number the same in every form it may arrive in", async () => {
    for (const arayan of ["02123330000", "2123330000", "902123330000", "+902123330000", "0090 212 333 00 00"]) {
      const res = await sendCall(`${hub.url}/t/demo`, "json", exampleCall({ arayan_no: arayan }));
      expect(await res.json(), arayan).toEqual(ELIF);
    }
  });

  it("recognises callers whose numbers are stored in messy forms", async () => {
    const stored: [string, string, string][] = [
      ["05463334455", "cep: 0546 333 44 55", "Sayın S** P** hoş geldiniz."],
      ["05325554433", "+90 (532) 555-44-33", "Sayın G** A** hoş geldiniz."],
      ["05559876543", "0090 555 987 65 43", "Sayın H** K** hoş geldiniz."],
      ["02164445566", "(0216) 444 55 66", "Sayın Z** A** hoş geldiniz."],
      ["05332223344", "0533 222 33 44, in the second phone column", "Sayın Z** A** hoş geldiniz."],
    ];
    for (const [arayan, form, data] of stored) {
      const res = await sendCall(`${hub.url}/t/demo`, "form", exampleCall({ arayan_no: arayan }));
      expect(await res.json(), form).toEqual({ status: "success", result: "queue", redirect: "satis", data });
    }
  });

  it("recognises a VIP by either of two numbers written in one cell", async () => {
    for (const arayan of ["02125551234", "05427654321"]) {
      const res = await sendCall(`${hub.url}/t/demo`, "xml", exampleCall({ arayan_no: arayan }));
      expect(await res.json(), arayan).toMatchObject({ result: "extensions", redirect: "102" });
    }
  });
});

describe("a near miss returned by a plugin is not greeted", () => {
  let hub: RunningHub;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "santral-fuzzy-"));
    await installFuzzyPlugin(dir);
    await mkdir(path.join(dir, "config", "tenants"), { recursive: true });
    await writeFile(path.join(dir, "config", "tenants", "fuzzy.yaml"), FUZZY_TENANT);
    hub = await startHub({ configDir: path.join(dir, "config"), now: () => OFFICE_HOURS, resolveFrom: [dir] });
    expect(hub.hub.errors.map((e) => e.message)).toEqual([]);
  });
  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (arayan: string) =>
    (await sendCall(`${hub.url}/t/fuzzy`, "json", exampleCall({ arayan_no: arayan, token: "fuzzy-token" }))).json();

  it("greets the callers the fuzzy search finds", async () => {
    expect(await call("05441000000")).toEqual({ status: "success", result: "1", data: "Sayın A** Y**." });
    expect(await call("05322000000")).toEqual({ status: "success", result: "1", data: "Sayın K** U**." });
  });

  it("gives a caller the search found only a near miss for the unknown-caller reply, not a greeting", async () => {
    // 0532 100 00 00 ends like Ayşe's 0544 100 00 00: the CRM returns her record, which is not the caller's
    for (const arayan of ["05321000000", "05551000000"]) {
      expect(await call(arayan), arayan).toEqual({ status: "success", result: "2", data: "Hoş geldiniz." });
    }
  });

  it("explain shows the near miss returned and why it was dropped", async () => {
    const e = await explain({
      configDir: path.join(dir, "config"),
      tenant: "fuzzy",
      number: "05321000000",
      resolveFrom: [dir],
    });
    expect(e.crm).toMatchObject({ plugin: "fuzzy", returned: 1 });
    expect(e.candidates).toEqual([
      expect.objectContaining({
        id: "ayse",
        verified: "dropped",
        chosen: false,
        phones: [{ stored: "0544 100 00 00", numbers: ["+905441000000"] }],
        why: "dropped, a near miss: its stored numbers are +905441000000, not +905321000000",
      }),
    ]);
    expect(e.notes).toContain("every record the CRM returned is a near miss: none carries the number");
    expect(e.reply).toEqual({ status: "success", result: "2", data: "Hoş geldiniz." });
  });
});

const FUZZY_TENANT = `
id: fuzzy
token: fuzzy-token
results: { "1": known caller, "2": unknown caller, e: the CRM could not tell }
crm: { adapter: santral-hub-plugin-fuzzy }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}." }
      - reply: { result: "2", say: "Hoş geldiniz." }
    fallback: { result: e }
`;

/**
 * Installs the fixture the way a team installs its own plugin beside the hub: as a package in a
 * node_modules. The fixture is copied (a link would make Node resolve its imports from test/fixtures,
 * where the sdk and zod are not installed), and its two dependencies are linked beside it.
 */
async function installFuzzyPlugin(dir: string): Promise<void> {
  const modules = path.join(dir, "node_modules");
  await mkdir(path.join(modules, "@santral-hub"), { recursive: true });
  await cp(path.join(REPO, "test", "fixtures", "plugin-fuzzy"), path.join(dir, "plugin-fuzzy"), { recursive: true });
  await symlink(path.join(dir, "plugin-fuzzy"), path.join(modules, "santral-hub-plugin-fuzzy"), "dir");
  await symlink(path.join(REPO, "packages", "sdk"), path.join(modules, "@santral-hub", "sdk"), "dir");
  const zod = await realpath(path.join(REPO, "packages", "sdk", "node_modules", "zod"));
  await symlink(zod, path.join(modules, "zod"), "dir");
}
