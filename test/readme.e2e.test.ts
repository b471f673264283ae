import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { REQUEST_ERRORS } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM_ERROR_KINDS } from "../packages/sdk/src/errors.js";
import { REPO, type RunningHub, startHub } from "./helpers/hub.js";

const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
const run = promisify(execFile);

/** Each curl example in the README with the first reply shown under it. */
function curlExamples(): { command: string; reply: string }[] {
  const examples: { command: string; reply: string }[] = [];
  for (const [, block] of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = (block ?? "").split("\n");
    const start = lines.findIndex((l) => l.startsWith("curl "));
    const replyAt = lines.findIndex((l) => l.startsWith("{"));
    if (start === -1 || replyAt === -1) continue;
    const command = lines.slice(start, replyAt).join("\n").replace(/\\\n/g, " ");
    examples.push({ command, reply: lines[replyAt]?.replace(/\s+\(.*\)$/, "") ?? "" });
  }
  return examples;
}

/** The text of one `## ` section of the README. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`the README has no section "${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

let hub: RunningHub;
beforeAll(async () => {
  hub = await startHub({ now: () => new Date("2026-11-25T08:00:00Z") }); // office hours in Istanbul
});
afterAll(() => hub.close());

describe("the README", () => {
  const examples = curlExamples();
  it("has a curl example for each of the four formats", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const all = examples.map((e) => e.command).join("\n");
    expect(all).toMatch(/curl -s '[^']*\?arayan_no=/); // GET
    expect(all).toMatch(/-d arayan_no=/); // form
    expect(all).toContain("application/json");
    expect(all).toContain("text/xml");
  });

  for (const { command, reply } of examples) {
    it(`gives the reply it shows: ${command.slice(0, 90)}…`, async () => {
      const { stdout } = await run("bash", ["-c", command.replaceAll("http://localhost:3000", hub.url)]);
      expect(JSON.parse(stdout)).toEqual(JSON.parse(reply));
    });
  }

  // both ways, as fastify's test of its error codes: every code is documented, every documented code exists
  const errors = section("Errors");
  it("documents every request error code with its status, and no code the hub does not have", () => {
    const documented = Object.fromEntries(
      [...errors.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)].map(([, status, code]) => [code, Number(status)]),
    );
    expect(documented).toEqual(REQUEST_ERRORS);
  });

  it("documents every CrmError kind, and no kind the sdk does not have", () => {
    const documented = [...errors.matchAll(/^\| `([a-z_]+)` \|/gm)].map(([, kind]) => kind);
    expect(documented.sort()).toEqual(Object.keys(CRM_ERROR_KINDS).sort());
  });
});
