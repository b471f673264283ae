import { testPlugin } from "@santral-hub/sdk/testing";
import { afterAll } from "vitest";
import { plugin } from "../src/index.js";
import { FakeHubSpot } from "./fake/server.js";
import { CLOSED_URL, seedContacts } from "./fixtures.js";

let fake: FakeHubSpot | undefined;
afterAll(() => fake?.close());

testPlugin({
  plugin,
  seed: async (records) => {
    fake = await FakeHubSpot.start();
    return { config: seedContacts(fake, records, "pat-conformance") };
  },
  unavailable: () => ({ auth: { type: "privateApp" as const, accessToken: "pat-x" }, baseUrl: CLOSED_URL }),
});
