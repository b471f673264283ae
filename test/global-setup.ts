import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Builds the packages before any test: the CLI and every hub a test spawns run the build, as production
 * does, so a test run never exercises a stale one (a no-op when nothing changed).
 */
export default function setup(): void {
  const repo = path.resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "-b", "tsconfig.build.json"], {
    cwd: repo,
    stdio: "inherit",
  });
}
