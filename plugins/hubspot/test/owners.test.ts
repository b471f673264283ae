import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-owners");
});
afterEach(() => fake.close());

const ownerReads = () => fake.seen.filter((s) => s.path.startsWith("/crm/v3/owners/")).length;

describe("owners", () => {
  it("reads an owner's name once through the owners API, and keeps it across lookups", async () => {
    const h = await openHubSpot(config);
    for (let i = 0; i < 3; i++) {
      expect((await h.byPhone("05441000000"))[0]?.owner).toEqual({ name: "Mehmet Kaya", extension: "201" });
    }
    expect(ownerReads()).toBe(1);
    await h.close();
  });

  it("reads each owner of a shared number once, concurrently", async () => {
    const h = await openHubSpot(config);
    await Promise.all([h.byPhone("05441000009"), h.byPhone("05441000009")]);
    expect(ownerReads()).toBe(2);
    await h.close();
  });

  it("takes the extension from the owners map; an unmapped owner has a name and no extension", async () => {
    const h = await openHubSpot({ ...config, owners: {} });
    expect((await h.byPhone("05441000000"))[0]?.owner).toEqual({ name: "Mehmet Kaya" });
    await h.close();
  });

  it("leaves the name out when HubSpot has no such owner, and still answers", async () => {
    fake.store.add("contacts", { phone: "05321110002", firstname: "Sahipsiz", hubspot_owner_id: "999" });
    const h = await openHubSpot({ ...config, owners: { "999": "299" } });
    expect((await h.byPhone("05321110002"))[0]?.owner).toEqual({ extension: "299" });
    await h.close();
  });

  it("without crm.objects.owners.read, answers without names and does not ask again for a minute", async () => {
    fake.privateApp("pat-no-owners", ["crm.objects.contacts.read"]);
    const h = await openHubSpot({ ...config, auth: { type: "privateApp", accessToken: "pat-no-owners" } });
    expect((await h.byPhone("05441000000"))[0]?.owner).toEqual({ extension: "201" });
    expect((await h.byPhone("05441000000"))[0]?.owner).toEqual({ extension: "201" });
    expect(ownerReads()).toBe(1);
    expect(h.log.all.filter((e) => e.msg === "hubspot: owner name unavailable")).toEqual([
      expect.objectContaining({ level: "warn", reason: expect.stringContaining("grant crm.objects.owners.read") }),
    ]);
    await h.close();
  });

  it("reads no owner with ownerNames: false, and still maps the extension", async () => {
    const h = await openHubSpot({ ...config, ownerNames: false });
    expect((await h.byPhone("05441000000"))[0]?.owner).toEqual({ extension: "201" });
    expect(ownerReads()).toBe(0);
    await h.close();
  });
});
