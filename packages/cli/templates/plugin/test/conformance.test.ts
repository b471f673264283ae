import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { startFakeCrm } from "./fake-crm.js";

// The contract every santral-hub plugin meets: found, not found, every stored phone form, shared numbers,
// near misses, customer numbers, abort and outage. Behaviour of this plugin's own goes in files beside this.
testPlugin({
  plugin,
  seed: async (records) => {
    const crm = await startFakeCrm(records, "test-token");
    return { config: { baseUrl: crm.url, apiToken: "test-token" }, cleanup: crm.close };
  },
  unavailable: () => ({ baseUrl: "http://127.0.0.1:9", apiToken: "test-token" }), // nothing listens on port 9
});
