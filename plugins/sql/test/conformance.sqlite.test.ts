import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { conformance } from "./fixtures/seed.js";

testPlugin({
  plugin,
  ...conformance("sqlite"),
  unavailableKind: "bad_config", // a missing SQLite file is the tenant's config to fix, not an outage
});
