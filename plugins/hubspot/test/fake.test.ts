import { describe, expect, it } from "vitest";
import { HubSpotApi, type SearchBody } from "../src/api.js";
import { failureOf } from "../src/failure.js";
import { FakeHubSpot } from "./fake/server.js";

/** The fake's wire format, through the real @hubspot/api-client: what the other tests rely on. */
describe("the fake HubSpot", () => {
  const body = (groups: SearchBody["filterGroups"], extra: Partial<SearchBody> = {}): SearchBody => ({
    filterGroups: groups,
    properties: ["firstname"],
    sorts: [{ propertyName: "createdate", direction: "ASCENDING" }],
    limit: 10,
    ...extra,
  });
  const eq = (propertyName: string, value: string) => ({ propertyName, operator: "EQ" as const, value });

  async function withFake(fn: (fake: FakeHubSpot, search: (b: SearchBody) => Promise<unknown>) => Promise<void>) {
    const fake = await FakeHubSpot.start();
    fake.privateApp("pat-fake");
    const api = new HubSpotApi(fake.url);
    fake.store.add(
      "contacts",
      { firstname: "A", lastname: "X", phone: "0544 100 00 00" },
      { createdAt: "2024-01-01T00:00:00Z" },
    );
    fake.store.add("contacts", { firstname: "B", lastname: "X" }, { createdAt: "2024-01-02T00:00:00Z" });
    fake.store.add("contacts", { firstname: "C", lastname: "Y" }, { createdAt: "2024-01-03T00:00:00Z" });
    const signal = new AbortController().signal;
    try {
      await fn(fake, (b) =>
        api.search("contacts", b, "pat-fake", signal).then((r) => r.map((f) => f.properties.firstname)),
      );
    } finally {
      api.close();
      await fake.close();
    }
  }

  it("ORs filter groups and ANDs the filters in a group", async () => {
    await withFake(async (_, search) => {
      expect(await search(body([{ filters: [eq("lastname", "x"), eq("firstname", "b")] }]))).toEqual(["B"]);
      expect(await search(body([{ filters: [eq("firstname", "A")] }, { filters: [eq("lastname", "Y")] }]))).toEqual([
        "A",
        "C",
      ]);
      const values = ["5441000000", "nope"];
      const inFilter = { propertyName: "hs_searchable_calculated_phone_number", operator: "IN" as const, values };
      expect(await search(body([{ filters: [inFilter] }]))).toEqual(["A"]);
    });
  });

  it("sorts, pages and returns the properties asked for, plus HubSpot's own", async () => {
    await withFake(async (fake, search) => {
      expect(
        await search(body([], { sorts: [{ propertyName: "createdate", direction: "DESCENDING" }], limit: 2 })),
      ).toEqual(["C", "B"]);
      const returned = fake.searches().at(-1);
      expect(returned?.body).toMatchObject({ limit: 2 });
    });
  });

  it("refuses more than 5 filter groups, 6 filters in a group or 18 in all, with HubSpot's 400", async () => {
    await withFake(async (_, search) => {
      const group = { filters: [eq("firstname", "A")] };
      const six = { filters: Array.from({ length: 6 }, () => eq("firstname", "A")) };
      for (const groups of [Array(6).fill(group), [{ filters: [...six.filters, eq("lastname", "X")] }]]) {
        const error = await search(body(groups)).catch((e: unknown) => e);
        expect(failureOf(error)).toMatchObject({ status: 400, category: "VALIDATION_ERROR" });
      }
      expect(await search(body(Array(5).fill(six).slice(0, 3)))).toEqual(["A"]);
    });
  });

  it("answers 429 with HubSpot's body and Retry-After, which the client passes on", async () => {
    await withFake(async (fake, search) => {
      fake.fault({ status: 429, retryAfter: 2, times: 1 });
      expect(failureOf(await search(body([])).catch((e: unknown) => e))).toMatchObject({
        status: 429,
        policy: "SECONDLY",
        retryAfterMs: 2000,
        message: "You have reached your secondly limit.",
      });
    });
  });
});
