#!/usr/bin/env node
// Runs the build (`pnpm build`, which `pnpm install` runs too): no TypeScript is compiled at start.
await import("../dist/main.js");
