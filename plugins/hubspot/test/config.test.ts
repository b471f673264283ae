import { describe, expect, it } from "vitest";
import { configSchema } from "../src/index.js";

const auth = { type: "privateApp", accessToken: "pat-na1-secret" } as const;
const issues = (input: unknown) => configSchema.safeParse(input).error?.issues ?? [];

describe("config", () => {
  it("fills in the defaults: contacts by phone, mobile and the calculated searchable numbers, 4 searches a second", () => {
    const config = configSchema.parse({ auth });
    expect(config).toMatchObject({
      objects: [
        {
          type: "contacts",
          kind: "Contact",
          phoneProperties: [
            "phone",
            "mobilephone",
            "hs_searchable_calculated_phone_number",
            "hs_searchable_calculated_mobile_number",
          ],
          firstName: "firstname",
          lastName: "lastname",
          company: "company",
          owner: "hubspot_owner_id",
        },
      ],
      owners: {},
      ownerNames: true,
      pick: "mostRecentlyUpdated",
      searchAll: false,
      limit: 10,
      rateLimit: { search: 4, other: 10 },
      retry: { maxWait: 2000, attempts: 2 },
      requestTimeout: 5000,
      baseUrl: "https://api.hubapi.com",
    });
  });

  it("takes objects by name, companies with their own defaults, and a rate as a number", () => {
    const config = configSchema.parse({
      auth,
      objects: ["companies", "contacts"],
      rateLimit: 5,
      owners: { "123": 201 },
    });
    expect(config.objects.map((o) => [o.type, o.kind, o.phoneProperties])).toEqual([
      ["companies", "company", ["phone"]],
      ["contacts", "Contact", expect.any(Array)],
    ]);
    expect(config.objects[0]?.name).toBe("name");
    expect(config.rateLimit).toEqual({ search: 5, other: 10 });
    expect(config.owners).toEqual({ "123": "201" });
  });

  it("reports a misspelt key or an unknown object with its path", () => {
    expect(issues({ auth, objects: ["contacts", "deals"] })[0]).toMatchObject({ path: ["objects", 1, "type"] });
    expect(issues({ auth, objects: [{ type: "contacts", phoneProps: ["phone"] }] })[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["phoneProps"],
      path: ["objects", 0],
    });
  });

  it("refuses a sixth phone property: HubSpot ORs at most 5 filter groups", () => {
    const phoneProperties = ["a", "b", "c", "d", "e", "f"];
    expect(issues({ auth, objects: [{ type: "contacts", phoneProperties }] })[0]).toMatchObject({
      path: ["objects", 0, "phoneProperties"],
      message: expect.stringContaining("at most 5 phone properties"),
    });
  });

  it("refuses a property label where HubSpot needs the internal name", () => {
    expect(issues({ auth, objects: [{ type: "contacts", phoneProperties: ["Phone 2"] }] })[0]).toMatchObject({
      path: ["objects", 0, "phoneProperties", 0],
      message: expect.stringContaining("not its label"),
    });
  });

  it("refuses an unknown auth type, an owner id that is not digits, and an object listed twice", () => {
    const found = issues({
      auth: { type: "apiKey", key: "x" },
      owners: { ayse: "201" },
      objects: ["contacts", "contacts"],
    });
    expect(found.map((i) => i.path.join(".")).sort()).toEqual(["auth.type", "objects.1", "owners.ayse"]);
  });

  it("a customer number on an object not searched is refused", () => {
    expect(issues({ auth, customerNumber: { property: "musteri_no", object: "companies" } })[0]).toMatchObject({
      path: ["customerNumber", "object"],
      message: "companies is not among objects",
    });
  });

  it("never quotes a secret in its messages", () => {
    const text = JSON.stringify(issues({ auth: { ...auth, extra: 1 }, baseUrl: "ftp://x" }));
    expect(text).not.toContain("pat-na1-secret");
    expect(issues({ auth: { type: "oauth", clientId: "c", clientSecret: "", refreshToken: "r" } })[0]).toMatchObject({
      path: ["auth", "clientSecret"],
    });
  });
});
