import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { downConfig, fakeConfig, fakeWith } from "./fixtures.js";

testPlugin({
  plugin,
  seed: async (records) => {
    const fake = await fakeWith(records);
    return { config: fakeConfig(fake), cleanup: () => fake.close() };
  },
  unavailable: downConfig,
});
