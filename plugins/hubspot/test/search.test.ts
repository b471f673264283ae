import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-search");
});
afterEach(() => fake.close());

type Body = { filterGroups: { filters: { propertyName: string; operator: string; values: string[] }[] }[] };
const lastSearch = () =>
  fake.searches().at(-1)?.body as Body & { properties: string[]; sorts: unknown[]; limit: number };

describe("the search request", () => {
  it("ORs one IN filter per phone property over every stored shape of the number, in one request", async () => {
    const h = await openHubSpot(config);
    await h.byPhone("05441000000");
    const body = lastSearch();
    expect(fake.searches()).toHaveLength(1);
    expect(body.filterGroups.map((g) => g.filters.map((f) => [f.propertyName, f.operator]))).toEqual([
      [["phone", "IN"]],
      [["mobilephone", "IN"]],
      [["hs_searchable_calculated_phone_number", "IN"]],
      [["hs_searchable_calculated_mobile_number", "IN"]],
    ]);
    const values = body.filterGroups[0]?.filters[0]?.values ?? [];
    expect(values).toEqual(
      expect.arrayContaining(["+905441000000", "905441000000", "05441000000", "5441000000", "0544 100 00 00"]),
    );
    expect(body.filterGroups.every((g) => JSON.stringify(g.filters[0]?.values) === JSON.stringify(values))).toBe(true);
    await h.close();
  });

  it("asks only for the properties the mapping reads, sorted by pick, at most limit", async () => {
    const h = await openHubSpot({ ...config, limit: 3 });
    await h.byPhone("05441000000");
    const body = lastSearch();
    expect([...body.properties].sort()).toEqual(
      [
        "phone",
        "mobilephone",
        "hs_searchable_calculated_phone_number",
        "hs_searchable_calculated_mobile_number",
        "firstname",
        "lastname",
        "company",
        "lifecyclestage",
        "etiketler",
        "segment",
        "musteri_no",
        "hubspot_owner_id",
      ].sort(),
    );
    expect(body.sorts).toEqual([{ propertyName: "lastmodifieddate", direction: "DESCENDING" }]);
    expect(body.limit).toBe(3);
    await h.close();
  });

  it("searches a tenant's own phone properties, by their internal names", async () => {
    fake.store.add("contacts", { telefon_2: "0532 555 44 33", firstname: "Deniz" });
    const h = await openHubSpot({
      ...config,
      objects: [{ type: "contacts", phoneProperties: ["phone", "telefon_2"] }],
    });
    const [found] = await h.byPhone("+905325554433");
    expect(found).toMatchObject({ firstName: "Deniz", phones: ["0532 555 44 33"], kind: "Contact" });
    await h.close();
  });

  it("finds a customer by the number typed, with an exact match on the configured property", async () => {
    const h = await openHubSpot(config);
    expect((await h.byCustomer("4802135")).map((c) => c.customerNumber)).toEqual(["4802135"]);
    expect(lastSearch().filterGroups).toEqual([
      { filters: [{ propertyName: "musteri_no", operator: "EQ", value: "4802135" }] },
    ]);
    await h.close();
  });
});

describe("objects, in the tenant's order", () => {
  it("maps a company: its name, kind `company`, and its owner", async () => {
    const [ownerId = "", extension] = Object.entries(config.owners ?? {})[0] ?? [];
    const owner = fake.owners.get(ownerId);
    const properties = { name: "Ege Tekstil A.Ş.", phone: "0232 444 55 66", hubspot_owner_id: ownerId };
    fake.store.add("companies", properties, { updatedAt: "2025-04-01T00:00:00.000Z" });
    const h = await openHubSpot({ ...config, objects: ["contacts", "companies"] });
    expect(await h.byPhone("02324445566")).toEqual([
      expect.objectContaining({
        kind: "company",
        name: "Ege Tekstil A.Ş.",
        phones: ["0232 444 55 66"],
        owner: { name: `${owner?.firstName} ${owner?.lastName}`, extension },
        updatedAt: "2025-04-01T00:00:00.000Z",
      }),
    ]);
    expect(fake.searches().map((s) => s.path)).toEqual([
      "/crm/v3/objects/contacts/search",
      "/crm/v3/objects/companies/search",
    ]);
    await h.close();
  });

  it("stops at the first object that knows the caller, unless searchAll", async () => {
    fake.store.add("companies", { name: "Deniz Lojistik", phone: "05441000000" });
    const first = await openHubSpot({ ...config, objects: ["contacts", "companies"] });
    expect((await first.byPhone("05441000000")).map((c) => c.kind)).toEqual(["Contact"]);
    expect(fake.searches()).toHaveLength(1);
    const all = await openHubSpot({ ...config, objects: ["companies", "contacts"], searchAll: true });
    expect((await all.byPhone("05441000000")).map((c) => c.kind)).toEqual(["company", "Contact"]);
    await first.close();
    await all.close();
  });

  it("returns several matches most recently updated first, or as pick says", async () => {
    fake.store.add("contacts", { phone: "05441000009", firstname: "Yeni" }, { createdAt: "2025-06-01T00:00:00.000Z" });
    const recent = await openHubSpot(config);
    expect((await recent.byPhone("05441000009")).map((c) => c.firstName)).toEqual(["Yeni", "Serkan", "Canan"]);
    const oldest = await openHubSpot({ ...config, pick: "oldestCreated" });
    expect((await oldest.byPhone("05441000009")).map((c) => c.firstName)).toEqual(["Canan", "Serkan", "Yeni"]);
    expect(lastSearch().sorts).toEqual([{ propertyName: "createdate", direction: "ASCENDING" }]);
    await recent.close();
    await oldest.close();
  });
});

describe("mapping", () => {
  it("reads VIP from any property: a value, a list of values, or a yes-like flag", async () => {
    fake.store.add("contacts", { phone: "05321110001", lifecyclestage: "opportunity", vip_musteri: "Evet" });
    const stage = await openHubSpot({
      ...config,
      objects: [{ type: "contacts", vip: { property: "lifecyclestage", equals: ["customer", "Opportunity"] } }],
    });
    const flag = await openHubSpot({ ...config, objects: [{ type: "contacts", vip: { property: "vip_musteri" } }] });
    expect((await stage.byPhone("05321110001"))[0]?.vip).toBe(true);
    expect((await flag.byPhone("05321110001"))[0]?.vip).toBe(true);
    expect((await flag.byPhone("05441000000"))[0]?.vip).toBe(false);
    await stage.close();
    await flag.close();
  });
});
