import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { seedContacts, unavailableConfig } from "./fixtures/seed.js";

testPlugin({
  plugin,
  seed: (records) => seedContacts("sqlite", records),
  unavailable: () => unavailableConfig("sqlite"),
  unavailableKind: "bad_config", // a missing SQLite file is the tenant's config to fix, not an outage
});
