#!/usr/bin/env node
// The sources are TypeScript: tsx compiles them on the fly, so the CLI needs no build step on Node 20.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
