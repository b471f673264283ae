import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { seedContacts, unavailableConfig } from "./fixtures/seed.js";

testPlugin({
  plugin,
  seed: (records) => seedContacts("mysql", records),
  unavailable: () => unavailableConfig("mysql"),
});
