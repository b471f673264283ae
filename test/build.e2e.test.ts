import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedHub, startCli } from "./helpers/cli.js";
import { DEMO_TOKEN, REPO } from "./helpers/hub.js";

// `santral-hub start` as production runs it: the packages' build, with no TypeScript compiled in the process.

let dir: string;
let hub: StartedHub;
let modules: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-build-"));
  const file = path.join(dir, "modules.txt");
  const recorder = pathToFileURL(path.join(REPO, "test", "fixtures", "record-modules.mjs")).href;
  hub = await startCli(path.join(REPO, "config"), [], { NODE_OPTIONS: `--import ${recorder}`, MODULES_FILE: file });
  const answer = await fetch(`${hub.url}/t/demo`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ arayan_no: "05101234567", aranan_no: "8503030303", arama_id: "1.1", token: DEMO_TOKEN }),
  });
  expect(await answer.json()).toMatchObject({ status: "success", result: "extensions", redirect: "101" });
  await hub.stop();
  modules = (await readFile(file, "utf8")).trim().split("\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the hub from its build", () => {
  it("answers the demo call running only the packages' compiled JavaScript", () => {
    const ours = modules.filter((url) => url.startsWith(pathToFileURL(REPO).href) && !url.includes("/node_modules/"));
    const packages = ours.filter((url) => /\/(packages|plugins)\//.test(url));
    expect(packages.length).toBeGreaterThan(50);
    expect(packages.filter((url) => !/\/(packages|plugins)\/[^/]+\/(dist|bin|loader)\//.test(url))).toEqual([]);
    expect(packages.some((url) => url.includes("/plugins/csv/dist/"))).toBe(true);
  });

  it("loads no TypeScript compiler: no tsx, no esbuild", () => {
    expect(modules.filter((url) => /\/(tsx|esbuild|typescript)\//.test(url))).toEqual([]);
  });
});
