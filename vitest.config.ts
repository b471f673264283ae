import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources: the packages' exports point at their build unless this condition is set
// (the build is what a child process, the CLI or an installed hub runs)
const SOURCE = "@santral-hub/source";
/** Vite's own default conditions for code that runs on the server, which `conditions` replaces. */
const SERVER = ["module", "node", "development|production"];
/** The tests that install packages (a production install, the packed sdk). */
const INSTALLS = ["test/deploy.e2e.test.ts", "test/packed-sdk.e2e.test.ts"];

export default defineConfig({
  resolve: { conditions: [SOURCE, ...SERVER] },
  ssr: { resolve: { conditions: [SOURCE, ...SERVER], externalConditions: [SOURCE] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "santral-hub",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "plugins/*/test/**/*.test.ts",
            "test/**/*.test.ts",
          ],
          exclude: [...INSTALLS],
        },
      },
      // after the others, once they are done: installing packages takes both cores for a minute, which would
      // slow the tests that time a CRM's pace or a deadline beside them
      { extends: true, test: { name: "installs", include: [...INSTALLS], sequence: { groupOrder: 1 } } },
    ],
    // and so does a package the test process loads itself, as the hub loads its plugins
    execArgv: [`--conditions=${SOURCE}`],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // CI counts passed/failed/skipped from this report (.ci/run prints the summary line).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/report.json" }]] : ["default"],
  },
});
