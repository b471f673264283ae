import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "plugins/*/test/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // CI counts passed/failed/skipped from this report (.ci/run prints the summary line).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/report.json" }]] : ["default"],
  },
});
