import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { purgeCache } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, type StartedHub, santralHub, startCli, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";

// The operator's commands against one running hub (`santral-hub start`, spawned), on a config directory in a
// temp dir, with the Redis cache shared between the hub and the commands. Each command is its own process.

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = `${process.pid}-${Date.now().toString(36)}`;
const SHOP = `shop-${run}`;
const ACME = `acme-${run}`;
const SHOP_TOKEN = "shop-token-0001";
const METRICS_TOKEN = "metrics-token-0123456789";
const VIP_REPLY =
  '{"status":"success","result":"extensions","redirect":"101","data":"Sayın A** Y** hoş geldiniz, sizi temsilciniz Zeynep Demir ile görüştürüyorum."}';
const HUB_YAML = `
cache: { backend: redis, url: "${REDIS_URL}" }
reload: { watch: false } # this file's hub reloads on SIGHUP only
metrics: { token: ${METRICS_TOKEN} }
`;

let dir: string;
let hub: StartedHub;
const config = () => ["--config", dir];

beforeAll(async () => {
  dir = await tempConfig(HUB_YAML, { [SHOP]: await demoTenant(SHOP, SHOP_TOKEN) });
  hub = await startCli(dir);
});

afterAll(async () => {
  const code = await hub?.stop("SIGTERM");
  for (const tenant of [SHOP, ACME]) await purgeCache({ configDir: dir, tenant, env: {} }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
  expect(code, hub?.output()).toBe(0);
});

describe("santral-hub call", { timeout: 60_000 }, () => {
  it("sends a call in each of the four formats to a running hub, printing the request and the reply", async () => {
    const formats = ["get", "form", "json", "xml"] as const;
    const [step, ...runs] = await Promise.all([
      santralHub([
        "call",
        `${SHOP}/musteri`,
        "--caller",
        "05441000000",
        "--key",
        "10002",
        "--url",
        hub.url,
        ...config(),
      ]),
      ...formats.map((f) =>
        santralHub(["call", SHOP, "--caller", "05101234567", "--format", f, "--url", hub.url, ...config()]),
      ),
    ]);
    for (const [i, r] of runs.entries()) {
      expect(r.stderr, formats[i]).toBe("");
      expect(r.code, formats[i]).toBe(0);
      expect(r.stdout).toContain("← 200 in ");
      expect(r.stdout).toContain(`  ${VIP_REPLY}\n`);
      expect(r.stdout).not.toContain(SHOP_TOKEN);
    }
    const [get, form, json, xml] = runs.map((r) => r.stdout);
    expect(get).toContain(`→ GET ${hub.url}/t/${SHOP}?arayan_no=05101234567&aranan_no=&santral_no=&arama_id=cli.`);
    expect(get).toContain("&tus_bilgisi=-1&token=•••  (HTTP GET)");
    expect(form).toContain(
      `→ POST ${hub.url}/t/${SHOP}  (HTTP POST)\n  Content-Type: application/x-www-form-urlencoded`,
    );
    expect(json).toMatch(/Content-Type: application\/json\n {2}\{"arayan_no":"05101234567",.*"token":"•••"\}/);
    expect(xml).toMatch(/<call><arayan_no>05101234567<\/arayan_no>.*<token>•••<\/token><\/call>/);
    // another step, with the keys the caller pressed
    expect(step.code).toBe(0);
    expect(step.stdout).toContain('"tus_bilgisi":"10002"');
    expect(step.stdout).toContain(
      '{"status":"success","result":"1","data":"Sayın A** K**, müşteri numaranız doğrulandı."}',
    );
  });
});

describe("santral-hub lookup and cache purge, on the shared Redis cache", { timeout: 60_000 }, () => {
  it("shows the contact, the CRM's time and the cache entry; purging one number empties its entry", async () => {
    const res = await sendCall(`${hub.url}/t/${SHOP}`, "json", { arayan_no: "05441000000", token: SHOP_TOKEN });
    expect(await res.json()).toMatchObject({ status: "success", result: "queue" });

    const cached = await santralHub(["lookup", SHOP, "0544", "100", "00", "00", ...config()]);
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stdout).toContain(`tenant ${SHOP} · csv · 0544 100 00 00 → +905441000000`);
    expect(cached.stdout).toContain("Found    10002 Ayşe Kaya");
    expect(cached.stdout).toMatch(/CRM {6}1 record returned, 1 kept, in [\d.]+ ms/);
    expect(cached.stdout).toMatch(/Cache {4}redis: fresh for (9m \d+s|10m 0s) \(1 record\)/);

    const purged = await santralHub(["cache", "purge", SHOP, "05441000000", ...config()]);
    expect(purged).toMatchObject({ code: 0, stdout: `Purged 1 cached answer of tenant ${SHOP} of 05441000000\n` });
    const after = await santralHub(["lookup", SHOP, "05441000000", "--json", ...config()]);
    expect(JSON.parse(after.stdout)).toMatchObject({
      contact: { id: "10002", name: "Ayşe Kaya", vip: false },
      cache: { backend: "redis", state: "absent" },
    });
  });
});

describe("onboarding a tenant: tenant add, check, SIGHUP, call, tenant list", { timeout: 90_000 }, () => {
  it("goes from a new file to a served tenant without restarting the hub", async () => {
    const file = path.join(dir, "tenants", `${ACME}.yaml`);
    const added = await santralHub([
      "tenant",
      "add",
      ACME,
      "--adapter",
      "csv",
      "--did",
      "8503039999",
      "--public-url",
      "https://hub.example.com",
      ...config(),
    ]);
    expect(added.code, added.stderr).toBe(0);
    const token = /static variable {2}token = (\S+)/.exec(added.stdout)?.[1] ?? "";
    expect(token).toMatch(/^[\w-]{24}$/);
    expect(added.stdout).toContain(`Wrote ${file}`);
    expect(added.stdout).toContain(`URL              https://hub.example.com/t/${ACME}`);
    expect(added.stdout).toContain("result codes     1 known caller · 2 unknown caller · e the CRM could not tell");
    expect(added.stdout).toContain("or by number     https://hub.example.com/call, for calls to 8503039999");
    const text = await readFile(file, "utf8");
    expect(text).toContain(`token: "${token}"`);
    expect(text).toContain("    file: CHANGE-ME # the CSV file");
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const broken = await santralHub(["check", ...config()]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`✗ ${ACME}`);
    expect(broken.stdout).toContain(`${file}: crm.config: csv: file not found`);
    expect(broken.stdout).toMatch(new RegExp(`✓ ${SHOP} +csv · steps welcome, musteri · CRM check passed`));
    expect(broken.stdout).toContain("2 tenants: 1 ok, 1 broken");

    await writeFile(
      file,
      text
        .replace("    file: CHANGE-ME", '    file: ../data/demo.csv\n    delimiter: ";"')
        .replace("      phone: CHANGE-ME", "      phone: [telefon, cep]\n      firstName: ad\n      lastName: soyad"),
    );
    const fixed = await santralHub(["check", ...config()]);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toContain("2 tenants: 2 ok, 0 broken");

    // this hub does not watch its directory: it serves the new tenant after SIGHUP, and no sooner
    const before = await sendCall(`${hub.url}/t/${ACME}`, "json", { arayan_no: "05101234567", token });
    expect(before.status).toBe(404);
    hub.child.kill("SIGHUP");
    await eventually(async () => {
      const res = await sendCall(`${hub.url}/t/${ACME}`, "json", { arayan_no: "05101234567", token });
      return res.status === 200 ? true : undefined;
    }, "the hub to serve the new tenant");
    const call = await santralHub(["call", ACME, "--caller", "05101234567", "--url", hub.url, ...config()]);
    expect(call.code).toBe(0);
    expect(call.stdout).toContain('{"status":"success","result":"1","data":"Sayın A** Y**, hoş geldiniz."}');

    const [list, withoutToken] = await Promise.all([
      santralHub([
        "tenant",
        "list",
        "--url",
        hub.url,
        "--metrics-url",
        hub.metricsUrl,
        "--token",
        METRICS_TOKEN,
        ...config(),
      ]),
      santralHub(["tenant", "list", "--url", hub.url, "--metrics-url", hub.metricsUrl, ...config()]),
    ]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^TENANT +ADAPTER +DIDS +STEPS +HUB +FILE\n/);
    expect(list.stdout).toMatch(new RegExp(`${ACME} +csv +8503039999 +welcome +live +✓`));
    expect(list.stdout).toMatch(new RegExp(`${SHOP} +csv +- +welcome,musteri +live +✓`));
    expect(list.stdout).toMatch(
      /hub http:\/\/127\.0\.0\.1:\d+: ready, 2 tenants served, 0 broken files, last reload 20/,
    );
    expect(withoutToken.stdout).toContain("per-tenant state: /metrics wants --token");
  });
});
