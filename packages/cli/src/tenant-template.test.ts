import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ConfigSchema, loadTenantFile } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantFile } from "./tenant-template.js";

let dir: string;
/** The file as the hub reads it. */
async function load(text: string) {
  const file = path.join(dir, "acme.yaml");
  await writeFile(file, text);
  return loadTenantFile(file, {});
}
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-template-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// A plugin schema of every shape `tenant add` meets: nested required objects, a union, defaults, optionals.
const schema: ConfigSchema = {
  type: "object",
  description: "a test CRM",
  required: ["auth", "url"],
  properties: {
    url: { type: "string", description: "the API\n address" },
    auth: {
      description: "how to log in",
      anyOf: [
        {
          type: "object",
          required: ["type", "token"],
          properties: { type: { const: "key" }, token: { type: "string" } },
        },
        { type: "object", required: ["type"], properties: { type: { const: "oauth" } } },
      ],
    },
    limit: { type: "integer", default: 10, description: "records at most" },
    objects: { type: "array", items: { type: "string" } },
    mode: { enum: ["fast", "slow"] },
  },
};

describe("the tenant file `tenant add` writes", () => {
  const text = tenantFile({
    id: "acme",
    token: "-starts-with-a-dash-0123",
    adapter: "test-crm",
    dids: ["8503030303"],
    config: { plugin: "test-crm", schema },
    date: "2026-11-26",
  });

  it("loads as a tenant (the plugin's settings left to fill in), with the token and DIDs given", async () => {
    const tenant = await load(text);
    expect(tenant).toMatchObject({ id: "acme", token: "-starts-with-a-dash-0123", dids: ["8503030303"] });
    expect([...tenant.steps.keys()]).toEqual(["welcome"]);
    expect(tenant.results).toEqual({ "1": "known caller", "2": "unknown caller", e: "the CRM could not tell" });
  });

  it("writes each required setting with a placeholder and each optional one commented out, described", async () => {
    expect((await load(text)).crm).toEqual({
      adapter: "test-crm",
      config: { url: "CHANGE-ME", auth: { type: "key", token: "CHANGE-ME" } },
    });
    expect(text).toContain("  config: # a test CRM\n");
    expect(text).toContain("    url: CHANGE-ME # the API address\n");
    expect(text).toContain("    auth: # how to log in\n      type: key\n      token: CHANGE-ME\n");
    expect(text).toContain("    # limit: 10 # records at most\n");
    expect(text).toContain("    # objects: []\n");
    expect(text).toContain("    # mode: fast\n");
  });

  it("says where to look when the plugin is not installed", async () => {
    const bare = tenantFile({ id: "acme", token: "t0ken-t0ken", adapter: "nowhere", dids: [], date: "2026-11-26" });
    expect(bare).toContain('  config: {} # plugin "nowhere" is not installed here: see its README for its settings\n');
    expect((await load(bare)).crm).toEqual({ adapter: "nowhere", config: {} });
  });
});
