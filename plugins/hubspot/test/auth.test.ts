import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHubSpot } from "./fake/server.js";
import { type ConfigInput, openHubSpot, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot;
let contacts: ConfigInput;
const app = { clientId: "client-1", clientSecret: "secret-1", refreshToken: "refresh-1" };
const oauth = (lifetimeS = 1800, overrides: Partial<typeof app> = {}): ConfigInput => {
  fake.oauthApp({ ...app, lifetimeS });
  return { ...contacts, auth: { type: "oauth", ...app, ...overrides } };
};
const refreshes = () => fake.seen.filter((s) => s.path === "/oauth/v1/token").length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  fake = await FakeHubSpot.start();
  contacts = seedContacts(fake, CONFORMANCE_RECORDS, "pat-auth");
});
afterEach(() => fake.close());

describe("private app", () => {
  it("sends the access token as a bearer token and finds the caller", async () => {
    const h = await openHubSpot(contacts);
    expect((await h.byPhone("05441000000")).map((c) => c.name)).toEqual(["Ayşe Yılmaz"]);
    expect(new Set(fake.seen.map((s) => s.token))).toEqual(new Set(["pat-auth"]));
    await h.close();
  });

  it("a token HubSpot refuses is auth at once, with no retry, naming what to fix", async () => {
    const h = await openHubSpot({ ...contacts, auth: { type: "privateApp", accessToken: "pat-revoked" } });
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({
      kind: "auth",
      message: expect.stringMatching(/401 INVALID_AUTHENTICATION\): set auth.accessToken/),
    });
    expect(fake.searches()).toHaveLength(1);
    expect(JSON.stringify(h.log.all)).not.toContain("pat-revoked");
    await h.close();
  });

  it("a token without the contacts scope is auth, naming the scope to grant", async () => {
    fake.privateApp("pat-narrow", ["crm.objects.owners.read"]);
    const h = await openHubSpot({ ...contacts, auth: { type: "privateApp", accessToken: "pat-narrow" } });
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({
      kind: "auth",
      message: expect.stringContaining("grant crm.objects.contacts.read to the app"),
    });
    await h.close();
  });
});

describe("OAuth", () => {
  it("trades the refresh token for an access token once, and reuses it", async () => {
    const h = await openHubSpot(oauth());
    await Promise.all([h.byPhone("05441000000"), h.byPhone("05441000009")]);
    await h.byPhone("05441000010");
    expect(refreshes()).toBe(1);
    const [issued] = fake.issuedTokens();
    expect(new Set(fake.searches().map((s) => s.token))).toEqual(new Set([issued]));
    await h.close();
  });

  it("refreshes an expired token on HubSpot's 401 and retries the search once", async () => {
    const h = await openHubSpot(oauth());
    await h.byPhone("05441000000");
    const [first] = fake.issuedTokens();
    fake.expire(first ?? "");
    expect((await h.byPhone("05441000000")).map((c) => c.name)).toEqual(["Ayşe Yılmaz"]);
    const [, second] = fake.issuedTokens();
    expect(fake.searches().map((s) => s.token)).toEqual([first, first, second]);
    expect(h.log.all).toContainEqual(expect.objectContaining({ status: 401, category: "EXPIRED_AUTHENTICATION" }));
    await h.close();
  });

  it("renews a token before it expires, in the background, without making a call wait for it", async () => {
    const h = await openHubSpot(oauth(3)); // renewed after half its life, 1.5 s; used until 2 s
    await h.byPhone("05441000000");
    await sleep(1600);
    await h.byPhone("05441000000"); // still sent with the first token, while the second is fetched
    await sleep(100);
    await h.byPhone("05441000000");
    const [first, second] = fake.issuedTokens();
    expect(fake.searches().map((s) => s.token)).toEqual([first, first, second]);
    await h.close();
  });

  it("gives up as auth when the fresh token is refused too (one retry only)", async () => {
    const h = await openHubSpot(oauth(0)); // every token HubSpot issues has already expired
    await expect(h.byPhone("05441000000")).rejects.toMatchObject({ kind: "auth" });
    expect(fake.searches()).toHaveLength(2);
    expect(refreshes()).toBe(2);
    await h.close();
  });

  it("a refresh token HubSpot refuses is auth, naming the keys to check and quoting no secret", async () => {
    const h = await openHubSpot(oauth(1800, { refreshToken: "refresh-stale" }));
    const error = await h.byPhone("05441000000").catch((e: Error) => e);
    expect(error).toMatchObject({
      kind: "auth",
      message: expect.stringContaining(
        "token refresh: HubSpot refused the OAuth refresh (400 BAD_REFRESH_TOKEN: missing or unknown refresh token)",
      ),
    });
    expect(`${(error as Error).message} ${JSON.stringify(h.log.all)}`).not.toMatch(/refresh-stale|secret-1/);
    expect(fake.searches()).toHaveLength(0);
    await h.close();
  });
});
