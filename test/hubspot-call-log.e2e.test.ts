import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHubSpot } from "../plugins/hubspot/test/fake/server.js";
import { seedContacts } from "../plugins/hubspot/test/fixtures.js";
import { cdrEvent, postJson, settled } from "./helpers/follow.js";
import { CRM_RESULTS, CRM_STEPS } from "./helpers/tenant.js";

// A HubSpot tenant's call, through the real hub, @hubspot/api-client and the fake account: its end is one
// call engagement, upserted by the tenant's unique property and associated to the recognised contact.

const TOKEN = "hs-call-log-token-2026";
const CALLER = "05441000000"; // the conformance records' form-trunk, a VIP whose owner has extension 201

let fake: FakeHubSpot;
let dir: string;
let hub: HubProcess;
let ownerOf201: string;

beforeAll(async () => {
  fake = await FakeHubSpot.start();
  const config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-call-log");
  ownerOf201 = Object.entries(config.owners ?? {}).find(([, ext]) => ext === "201")?.[0] ?? "";
  const crm = {
    ...config,
    baseUrl: fake.url,
    objects: [{ type: "contacts", vip: { property: "lifecyclestage", equals: "customer" } }],
    callLog: { idProperty: "santral_call_id", owners: { "201": ownerOf201 } },
  };
  dir = await mkdtemp(path.join(tmpdir(), "santral-hs-log-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "hub.yaml"), "reload: { watch: false }\nmetrics: { port: call }\n");
  await writeFile(
    path.join(dir, "tenants", "destek.yaml"),
    `
id: destek
token: \${env:HS_TENANT_TOKEN}
${CRM_RESULTS}
crm:
  adapter: hubspot
  config: ${JSON.stringify(crm)}
callLog: { settle: 0 }
${CRM_STEPS}`,
  );
  const env = { HS_TENANT_TOKEN: TOKEN };
  hub = await runHub({ configDir: dir, port: 0, env, signals: false, log: createLogger("silent") });
  await hub.hub.ready; // the hub listens while its tenants load
});

afterAll(async () => {
  await hub?.shutdown();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const post = (pathname: string, body: Record<string, unknown>) => postJson(`${hub.url}${pathname}`, body);

describe("a HubSpot tenant's calls after the answer", () => {
  it("writes the call's end as one call engagement on the contact, its length in milliseconds", async () => {
    expect(hub.hub.errors).toEqual([]);
    const id = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
    const routed = await post("/t/destek", { arayan_no: CALLER, aranan_no: "8503030303", arama_id: id, token: TOKEN });
    expect(await routed.json()).toMatchObject({ result: "extensions", redirect: "201" });
    const end = cdrEvent(id, CALLER, "201");
    const answers = await Promise.all([1, 2, 3].map(() => post(`/t/destek/events?token=${TOKEN}`, end)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await settled(() => !(fake.calls.all.length === 0));
    expect(fake.calls.all).toHaveLength(1);
    const [written] = fake.calls.all;
    const contact = fake.store.objects.contacts.find((c) => c.properties.phone === CALLER);
    expect(written?.properties).toMatchObject({
      santral_call_id: (await hub.hub.follow?.tracker.find("destek", id))?.cardId,
      hs_call_direction: "INBOUND",
      hs_call_duration: "42000",
      hs_call_status: "COMPLETED",
      hs_call_from_number: "+905441000000",
      hs_call_recording_url: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=abc",
      hubspot_owner_id: ownerOf201,
      hs_call_title: "Gelen arama: 0544 100 00 00",
    });
    expect(written?.associations).toEqual([{ type: "contacts", id: contact?.id, typeId: 194 }]);
  });
});
