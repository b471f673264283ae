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
  // the calls written, read back from the fake account by the unique property they were upserted by
  callLog: {
    config: (config) => ({ ...config, callLog: { idProperty: "santral_call_id" } }),
    // a property that is not unique: HubSpot refuses to upsert by it
    refusing: (config) => ({ ...config, callLog: { idProperty: "hs_call_title" } }),
    written: async (callId) =>
      (fake?.calls.all ?? [])
        .filter((c) => c.properties.santral_call_id === callId)
        .map((c) => ({
          answered: c.properties.hs_call_status === "COMPLETED",
          durationSec: Number(c.properties.hs_call_duration) / 1000,
          contactId: c.associations.find((a) => a.typeId === 194 || a.typeId === 182)?.id ?? null,
          ...(c.properties.hs_call_recording_url ? { recordingUrl: c.properties.hs_call_recording_url } : {}),
        })),
  },
});
