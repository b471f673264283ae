import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Seeded, seedConformance } from "../plugins/sql/test/fixtures/seed.js";
import { exampleCall, type RunningHub, sendCall, startHub } from "./helpers/hub.js";
import { CRM_RESULTS, CRM_STEPS } from "./helpers/tenant.js";

const TOKEN = "sql-tenant-token-2026";
const DOWN_URL = "postgres://santral@127.0.0.1:1/crm"; // nothing listens on port 1

/** A tenant file on the SQL plugin; the URL and the token come from the environment. */
const tenantYaml = (id: string, urlVar: string, query: string, customerNumberQuery: string) => `
id: ${id}
token: \${env:SQL_TENANT_TOKEN}
${CRM_RESULTS}
crm:
  adapter: sql
  config:
    driver: postgres
    url: \${env:${urlVar}}
    statementTimeout: 1s
    query: ${JSON.stringify(query)}
    customerNumberQuery: ${JSON.stringify(customerNumberQuery)}
    columns:
      id: musteri_id
      phone: [telefon, cep]
      firstName: ad
      lastName: soyad
      vip: vip
      ownerName: temsilci
      ownerExtension: dahili
${CRM_STEPS}
`;

let seeded: Seeded;
let dir: string;
let hub: RunningHub;
const call = (tenant: string, fields: Record<string, string>, step = "") =>
  sendCall(`${hub.url}/t/${tenant}${step}`, "json", exampleCall({ token: TOKEN, ...fields })).then((r) => r.json());

beforeAll(async () => {
  seeded = await seedConformance("postgres");
  const { query, customerNumberQuery = "" } = seeded.config;
  dir = await mkdtemp(path.join(tmpdir(), "santral-sql-e2e-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "hub.yaml"), "tenants: tenants\n");
  await writeFile(
    path.join(dir, "tenants", "rehber.yaml"),
    tenantYaml("rehber", "CRM_DB_URL", query, customerNumberQuery),
  );
  await writeFile(
    path.join(dir, "tenants", "kapali.yaml"),
    tenantYaml("kapali", "CRM_DOWN_URL", query, customerNumberQuery),
  );
  const writing = query.replace("SELECT m.*", "WITH silinen AS (DELETE FROM musteriler RETURNING *) SELECT m.*");
  await writeFile(
    path.join(dir, "tenants", "yazan.yaml"),
    tenantYaml("yazan", "CRM_DB_URL", writing, customerNumberQuery),
  );
  const env = { CRM_DB_URL: seeded.config.url, CRM_DOWN_URL: DOWN_URL, SQL_TENANT_TOKEN: TOKEN };
  hub = await startHub({ configDir: dir, env });
});

afterAll(async () => {
  await hub?.close();
  await seeded?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a tenant on PostgreSQL through the real server", () => {
  it("loads the SQL tenants and refuses the one whose query writes, naming the file and the path", () => {
    expect(
      hub.hub
        .tenants()
        .map((t) => t.config.id)
        .sort(),
    ).toEqual(["kapali", "rehber"]);
    expect(hub.hub.errors.map((e) => e.message)).toEqual([
      `${path.join(dir, "tenants", "yazan.yaml")}: crm.config.query: must only read, but it contains DELETE`,
    ]);
  });

  it("routes a VIP caller to their representative", async () => {
    expect(await call("rehber", { arayan_no: "05441000000" })).toEqual({
      status: "success",
      result: "extensions",
      redirect: "201",
      data: "Sayın A** Y** hoş geldiniz, sizi temsilciniz Mehmet Kaya ile görüştürüyorum.",
    });
  });

  it("recognises callers whatever form their number is stored in, re-casing names in capitals", async () => {
    const spaced = await fetch(`${hub.url}/t/rehber?arayan_no=+905441000004&token=${TOKEN}`); // stored "0544 100 00 04"
    expect(await spaced.json()).toMatchObject({ result: "queue", data: "Sayın O** A** hoş geldiniz." });
    expect(await call("rehber", { arayan_no: "5441000010" })).toMatchObject({ data: "Sayın İ** I** hoş geldiniz." });
    expect(await call("rehber", { arayan_no: "02125551234" })).toMatchObject({ data: "Sayın H** P** hoş geldiniz." });
  });

  it("gives an unknown caller the tenant's code, and finds a customer by the number typed", async () => {
    expect(await call("rehber", { arayan_no: "05449999999" })).toEqual({ status: "success", result: "2" });
    expect(await call("rehber", { tus_bilgisi: "4802135" }, "/musteri")).toEqual({
      status: "success",
      result: "1",
      data: "Sayın N** G**, müşteri numaranız doğrulandı.",
    });
    expect(await call("rehber", { tus_bilgisi: "9999999" }, "/musteri")).toEqual({ status: "success", result: "3" });
  });

  it("treats an injection attempt in arayan_no and tus_bilgisi as unknown, and changes nothing", async () => {
    const before = await seeded.census();
    expect(await call("rehber", { arayan_no: "05441000000' OR '1'='1" })).toMatchObject({ status: "success" });
    expect(await call("rehber", { arayan_no: "x'); DROP TABLE musteriler; --" })).toEqual({
      status: "success",
      result: "2",
    });
    expect(await call("rehber", { tus_bilgisi: "1' OR '1'='1" }, "/musteri")).toEqual({
      status: "success",
      result: "3",
    });
    expect(await seeded.census()).toEqual(before);
  });

  it("answers with the step's fallback when the database is down", async () => {
    expect(await call("kapali", { arayan_no: "05441000000" })).toEqual({ status: "success", result: "e" });
  });
});
