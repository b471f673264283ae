import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSalesforce } from "../plugins/salesforce/test/fake/server.js";
import { fakeWith } from "../plugins/salesforce/test/fixtures.js";
import { cdrEvent, postJson, settled, startReceiver } from "./helpers/follow.js";
import { CRM_RESULTS, CRM_STEPS } from "./helpers/tenant.js";

// A call's life on a Salesforce tenant, through the real hub, jsforce and the fake org: the card's link is
// the record's Lightning page, and the call's end is one Task on the recognised Contact.

const TOKEN = "sf-call-log-token-2026";
const CALLER = "05441000000"; // the conformance records' form-trunk, a VIP whose owner has extension 201
const SECRET = "whsec-sf-0123456789abcdef";

let fake: FakeSalesforce;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dir: string;
let hub: HubProcess;

beforeAll(async () => {
  fake = await fakeWith(CONFORMANCE_RECORDS);
  receiver = await startReceiver();
  const owner = fake.org.all("User").find((u) => u.Extension === "201")?.Id;
  dir = await mkdtemp(path.join(tmpdir(), "santral-sf-log-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "hub.yaml"), "reload: { watch: false }\nmetrics: { port: call }\n");
  await writeFile(
    path.join(dir, "tenants", "satis.yaml"),
    `
id: satis
token: \${env:SF_TENANT_TOKEN}
${CRM_RESULTS}
crm:
  adapter: salesforce
  config:
    loginUrl: \${env:SF_LOGIN_URL}
    auth: { flow: clientCredentials, clientId: "\${env:SF_CLIENT_ID}", clientSecret: "\${env:SF_CLIENT_SECRET}" }
    objects:
      - object: Contact
        phones: [Phone, MobilePhone]
        firstName: FirstName
        lastName: LastName
        ownerName: Owner.Name
        ownerExtension: Owner.Extension
        vip: { field: Account.Type, equals: VIP }
      - Lead
    callLog: { externalId: Santral_Call_Id__c, owners: { "201": "${owner}" } }
notify:
  - url: ${receiver.url}
    secret: \${env:SF_HOOK_SECRET}
    events: [ringing]
callLog: { settle: 0 }
${CRM_STEPS}`,
  );
  const env = {
    SF_TENANT_TOKEN: TOKEN,
    SF_LOGIN_URL: fake.url,
    SF_CLIENT_ID: fake.app.clientId,
    SF_CLIENT_SECRET: fake.app.clientSecret,
    SF_HOOK_SECRET: SECRET,
  };
  hub = await runHub({ configDir: dir, port: 0, env, signals: false, log: createLogger("silent") });
  await hub.hub.ready; // the hub listens while its tenants load
});

afterAll(async () => {
  await hub?.shutdown();
  await receiver?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const post = (pathname: string, body: Record<string, unknown>) => postJson(`${hub.url}${pathname}`, body);

describe("a Salesforce tenant's calls after the answer", () => {
  it("links the card to the Contact's Lightning page and writes the call's end as one Task on it", async () => {
    expect(hub.hub.errors).toEqual([]);
    const id = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
    const routed = await post("/t/satis", { arayan_no: CALLER, aranan_no: "8503030303", arama_id: id, token: TOKEN });
    expect(await routed.json()).toMatchObject({ result: "extensions", redirect: "201" });
    const ring = { unique_id: id, scenario: "Inbound_call", customer_num: CALLER, internal_num: "201" };
    expect((await post(`/t/satis/events?token=${TOKEN}`, ring)).status).toBe(200);
    const [delivery] = await receiver.waitFor(1);
    const card = JSON.parse(delivery?.body ?? "{}").card;
    const contact = fake.org.find("Contact", (c) => c.Phone === CALLER || c.MobilePhone === CALLER);
    expect(contact, "the fake org holds the caller").toBeDefined();
    expect(card.link).toBe(`${fake.url}/lightning/r/Contact/${contact?.Id}/view`);

    const end = cdrEvent(id, CALLER, "201");
    for (const _ of [1, 2]) expect((await post(`/t/satis/events?token=${TOKEN}`, end)).status).toBe(200);
    await settled(() => !(fake.org.all("Task").length === 0));
    const tasks = fake.org.all("Task");
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      Santral_Call_Id__c: card.id,
      TaskSubtype: "Call",
      CallType: "Inbound",
      CallDurationInSeconds: 42,
      CallDisposition: "Answered",
      CallObject: id,
      WhoId: contact?.Id,
      OwnerId: fake.org.all("User").find((u) => u.Extension === "201")?.Id,
      Status: "Completed",
      Subject: "Gelen arama: 0544 100 00 00",
    });
    expect(String(tasks[0]?.Description)).toContain("Ses kaydı: https://dosyaindir.netgsm.com.tr/");
    // explain names the Task and where to open it
    const explained = await hub.hub.follow?.tracker.find("satis", id);
    const written = explained?.deliveries.find((d) => d.what === "call log");
    expect(written).toMatchObject({ target: "crm (salesforce)", outcome: "sent", attempt: 1 });
    expect(written?.detail).toBe(`record ${tasks[0]?.Id} ${fake.url}/lightning/r/Task/${tasks[0]?.Id}/view`);
  });
});
