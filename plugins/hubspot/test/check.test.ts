import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requiredScopes } from "../src/index.js";
import { configSchema } from "../src/schema.js";
import { FakeHubSpot } from "./fake/server.js";
import { CLOSED_URL, type ConfigInput, openHubSpot, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot;
let config: ConfigInput;
beforeEach(async () => {
  fake = await FakeHubSpot.start();
  config = seedContacts(fake, CONFORMANCE_RECORDS, "pat-check");
});
afterEach(() => fake.close());

/** check() as `santral-hub check` runs it: the error it throws, or "ok". */
async function checked(input: ConfigInput) {
  const h = await openHubSpot(input);
  try {
    await h.check();
    return "ok";
  } catch (error) {
    return error as { kind: string; message: string };
  } finally {
    await h.close();
  }
}

describe("check()", () => {
  it("passes with a private app holding every scope the config needs, and runs each object's search", async () => {
    expect(await checked({ ...config, objects: ["contacts", "companies"] })).toBe("ok");
    expect(fake.seen.map((s) => s.path)).toEqual([
      "/oauth/v2/private-apps/get/access-token-info",
      "/crm/v3/objects/contacts/search",
      "/crm/v3/objects/companies/search",
    ]);
  });

  it("names the scopes a private app lacks", async () => {
    fake.privateApp("pat-contacts-only", ["crm.objects.contacts.read"]);
    expect(await checked({ ...config, auth: { type: "privateApp", accessToken: "pat-contacts-only" } })).toEqual(
      expect.objectContaining({
        kind: "auth",
        message: "hubspot: the token lacks crm.objects.owners.read: grant it to the app and renew the token",
      }),
    );
  });

  it("needs no owners scope with ownerNames: false", async () => {
    fake.privateApp("pat-contacts-only", ["crm.objects.contacts.read"]);
    const auth = { type: "privateApp", accessToken: "pat-contacts-only" } as const;
    expect(await checked({ ...config, auth, ownerNames: false })).toBe("ok");
    expect(requiredScopes(configSchema.parse({ auth, ownerNames: false }))).toEqual(["crm.objects.contacts.read"]);
  });

  it("checks an OAuth app's token through HubSpot's access-token API", async () => {
    fake.oauthApp({ clientId: "c1", clientSecret: "s1", refreshToken: "r1", scopes: ["crm.objects.contacts.read"] });
    const auth = { type: "oauth", clientId: "c1", clientSecret: "s1", refreshToken: "r1" } as const;
    expect(await checked({ ...config, auth })).toMatchObject({
      kind: "auth",
      message: expect.stringContaining("crm.objects.owners.read"),
    });
    expect(fake.seen.map((s) => s.path.replace(/tokens\/.*/, "tokens/…"))).toEqual([
      "/oauth/v1/token",
      "/oauth/v1/access-tokens/…",
    ]);
  });

  it("reports a refused token as auth, and an unreachable HubSpot as unavailable", async () => {
    expect(await checked({ ...config, auth: { type: "privateApp", accessToken: "pat-wrong" } })).toMatchObject({
      kind: "auth",
    });
    expect(await checked({ ...config, baseUrl: CLOSED_URL })).toMatchObject({ kind: "unavailable" });
  });
});
