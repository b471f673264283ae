import { testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import { conformance } from "./fixtures/seed.js";

testPlugin({ plugin, ...conformance("mysql") });
