import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, santralHub, startCli, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";

// A tenant's own plugin file (`crm.adapter: ../crm/our.ts`), as an operator keeps it: in the config directory,
// outside any package, loaded by the spawned `santral-hub` (tsx at run time, as in production).

const TOKEN = "own-token-0123456";
const tenant = (adapter: string) => `
id: own
token: ${TOKEN}
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${adapter}, config: { greeting: Merhaba } }
cache: { ttl: 0, notFoundTtl: 0, staleFor: 0 }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "{{ contact.fields.greeting }} {{ contact.firstName }}" }
    fallback: { result: e }
`;
// imports the sdk and zod (not installed beside it) and a file of its own, written the TypeScript way
const PLUGIN = `
import { definePlugin } from "@santral-hub/sdk";
import { z } from "zod";
import { record } from "./record.js";

export default definePlugin({
  name: "own",
  configSchema: z.object({ greeting: z.string() }).strict(),
  create: ({ greeting }) => ({
    async lookup(query) {
      return [record(query.phone?.e164 ?? "", greeting)];
    },
  }),
});
`;
const RECORD = `
import type { CrmRecord } from "@santral-hub/sdk";
export const record = (phone: string, greeting: string): CrmRecord => ({
  id: "1",
  source: "own",
  phones: [phone],
  firstName: "Ayşe",
  fields: { greeting },
});
`;

const dirs: string[] = [];
async function configWith(files: Record<string, string>, adapter: string): Promise<string> {
  const dir = await tempConfig("reload: { watch: false }\n", { own: tenant(adapter) });
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("a tenant's own plugin file", { timeout: 60_000 }, () => {
  it("loads as .ts and as .mts with no package.json beside it, importing the sdk, zod and its own files", async () => {
    const ts = await configWith({ "own.ts": PLUGIN, "record.ts": RECORD }, "../own.ts");
    const mts = await configWith({ "own.mts": PLUGIN, "record.ts": RECORD }, "../own.mts");
    const checks = await Promise.all([ts, mts].map((dir) => santralHub(["check", "--config", dir])));
    expect(checks.map((c) => c.stdout.match(/^[✓✗] own +\S+/m)?.[0])).toEqual([
      "✓ own     ../own.ts",
      "✓ own     ../own.mts",
    ]);
    expect(checks.map((c) => c.code)).toEqual([0, 0]);
  });

  it("is tried again on SIGHUP after it failed to load, and serves once fixed", async () => {
    // a package.json that makes it a module, as the hub needed before: this test is about the retry alone
    const dir = await configWith(
      { "package.json": '{ "type": "module" }', "own.ts": PLUGIN.replace("export default", "exprt default") },
      "../own.ts",
    );
    const hub = await startCli(dir);
    try {
      const call = () => sendCall(`${hub.url}/t/own`, "json", { arayan_no: "05441000000", token: TOKEN });
      expect((await call()).status).toBe(404);
      expect(hub.output()).toContain(`crm.adapter: cannot load the plugin file ${path.join(dir, "own.ts")}: `);

      await writeFile(path.join(dir, "record.ts"), RECORD);
      await writeFile(path.join(dir, "own.ts"), PLUGIN);
      hub.child.kill("SIGHUP");
      // it answers its fallback while the fixed plugin starts, then from the plugin
      const answer = await eventually(async () => {
        const res = await call();
        const body = res.status === 200 ? ((await res.json()) as { result?: string }) : undefined;
        return body?.result === "1" ? body : undefined;
      }, "the fixed plugin to serve");
      expect(answer).toEqual({ status: "success", result: "1", data: "Merhaba Ayşe" });
    } finally {
      await hub.stop();
    }
  });
});
