import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "../plugins/salesforce/test/fake/server.js";
import { fakeWith, PRIVATE_PEM } from "../plugins/salesforce/test/fixtures.js";
import { exampleCall, type RunningHub, sendCall, startHub } from "./helpers/hub.js";
import { CRM_RESULTS, CRM_STEPS } from "./helpers/tenant.js";

const TOKEN = "sf-tenant-token-2026";
/** `${env:NAME}`, as a tenant file writes it. */
const ref = (name: string) => `\${env:${name}}`;

/** A tenant file on the Salesforce plugin; the URL, the app's credentials and the hub token come from the environment. */
const tenantYaml = (id: string, auth: string) => `
id: ${id}
token: \${env:SF_TENANT_TOKEN}
${CRM_RESULTS}
crm:
  adapter: salesforce
  config:
    loginUrl: \${env:SF_LOGIN_URL}
    apiVersion: 62.0
    auth:
${auth}
    objects:
      - object: Contact
        phones: [Phone, MobilePhone]
        firstName: FirstName
        lastName: LastName
        company: Account.Name
        ownerName: Owner.Name
        ownerExtension: Owner.Extension
        vip: { field: Account.Type, equals: VIP }
      - object: Lead
        phones: [Phone, MobilePhone]
        firstName: FirstName
        lastName: LastName
        ownerName: Owner.Name
        ownerExtension: Owner.Extension
        vip: VIP__c
    customerNumber: { object: Contact, field: Musteri_No__c }
    backoff: { requestLimit: { first: 300ms } }
${CRM_STEPS}
`;

/** The tenant file shown in plugins/salesforce/README.md. */
function readmeTenant(): string {
  const readme = readFileSync(path.join(import.meta.dirname, "..", "plugins", "salesforce", "README.md"), "utf8");
  const file = /```yaml\n(# config\/tenants\/acme\.yaml[\s\S]*?)```/.exec(readme)?.[1];
  if (!file) throw new Error("plugins/salesforce/README.md shows no tenant file");
  return file;
}

let fake: FakeSalesforce;
let dir: string;
let hub: RunningHub;
const call = (tenant: string, fields: Record<string, string>, step = "") =>
  sendCall(`${hub.url}/t/${tenant}${step}`, "json", exampleCall({ token: TOKEN, ...fields })).then((r) => r.json());

beforeAll(async () => {
  fake = await fakeWith(CONFORMANCE_RECORDS);
  dir = await mkdtemp(path.join(tmpdir(), "santral-sf-e2e-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "hub.yaml"), "tenants: tenants\n");
  const lines = (entries: string[]) => entries.map((e) => `      ${e}`).join("\n");
  const credentials = lines([
    "flow: clientCredentials",
    `clientId: ${ref("SF_CLIENT_ID")}`,
    `clientSecret: ${ref("SF_CLIENT_SECRET")}`,
  ]);
  await writeFile(path.join(dir, "tenants", "satis.yaml"), tenantYaml("satis", credentials));
  const jwt = lines([
    "flow: jwt",
    `clientId: ${ref("SF_CLIENT_ID")}`,
    `username: ${ref("SF_USERNAME")}`,
    `privateKey: ${ref("SF_PRIVATE_KEY")}`,
  ]);
  await writeFile(path.join(dir, "tenants", "destek.yaml"), tenantYaml("destek", jwt));
  await writeFile(path.join(dir, "tenants", "acme.yaml"), readmeTenant());
  const env = {
    SF_TENANT_TOKEN: TOKEN,
    SF_LOGIN_URL: fake.url,
    SF_CLIENT_ID: fake.app.clientId,
    SF_CLIENT_SECRET: fake.app.clientSecret,
    SF_USERNAME: fake.app.username,
    SF_PRIVATE_KEY: PRIVATE_PEM,
    ACME_TOKEN: "acme-token-2026",
    ACME_SF_CLIENT_ID: "3MVG9acme",
    ACME_SF_CLIENT_SECRET: "acme-secret",
  };
  hub = await startHub({ configDir: dir, env });
});

afterAll(async () => {
  await hub?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a tenant on Salesforce through the real server", () => {
  it("loads the tenants, on client credentials and on JWT bearer, and the README's example tenant file", () => {
    expect(hub.hub.errors).toEqual([]);
    expect(
      hub.hub
        .tenants()
        .map((t) => t.config.id)
        .sort(),
    ).toEqual(["acme", "destek", "satis"]);
  });

  it("routes a VIP Contact to their representative, then answers the same caller from the cache", async () => {
    const vip = {
      status: "success",
      result: "extensions",
      redirect: "201",
      data: "Sayın A** Y** hoş geldiniz, sizi temsilciniz Mehmet Kaya ile görüştürüyorum.",
    };
    expect(await call("satis", { arayan_no: "05441000000" })).toEqual(vip);
    const asked = fake.received.length;
    expect(await call("satis", { arayan_no: "+905441000000" })).toEqual(vip);
    expect(fake.received.length).toBe(asked);
  });

  it("recognises a caller found only as a Lead, and asks about an unknown caller once", async () => {
    // "5441000001" is only on a Lead (Zeynep Ak); "05441000009" is on a Lead and on a Contact (Serkan Tunç), with
    // different owners: the tenant's match policy prefers the Contact
    expect(await call("destek", { arayan_no: "5441000001" })).toMatchObject({
      result: "queue",
      data: "Sayın Z** A** hoş geldiniz.",
    });
    expect(await call("destek", { arayan_no: "05441000009" })).toMatchObject({
      result: "queue",
      data: "Sayın S** T** hoş geldiniz.",
    });
    expect(await call("destek", { arayan_no: "05449999999" })).toEqual({ status: "success", result: "2" });
    const searches = fake.count("search");
    expect(await call("destek", { arayan_no: "05449999999" })).toEqual({ status: "success", result: "2" });
    expect(fake.count("search")).toBe(searches);
  });

  it("finds a customer by the number typed, and answers an injection attempt as not found", async () => {
    expect(await call("satis", { tus_bilgisi: "4802135" }, "/musteri")).toEqual({
      status: "success",
      result: "1",
      data: "Sayın N** G**, müşteri numaranız doğrulandı.",
    });
    expect(await call("satis", { tus_bilgisi: "1' OR Name != '" }, "/musteri")).toEqual({
      status: "success",
      result: "3",
    });
  });

  it("answers with the step's fallback when Salesforce is over its API limit, and caches nothing of it", async () => {
    fake.fail("search", {
      status: 403,
      body: [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }],
    });
    expect(await call("satis", { arayan_no: "05441000010" })).toEqual({ status: "success", result: "e" });
    // the org is left alone for backoff.requestLimit: the next call gets the fallback without a request to it
    const searches = fake.count("search");
    expect(await call("satis", { arayan_no: "05441000010" })).toEqual({ status: "success", result: "e" });
    expect(fake.count("search")).toBe(searches);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await call("satis", { arayan_no: "05441000010" })).toMatchObject({
      result: "queue",
      data: "Sayın İ** I** hoş geldiniz.",
    });
  });
});
