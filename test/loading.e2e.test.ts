import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, tempConfig } from "./helpers/cli.js";
import { REPO, sendCall } from "./helpers/hub.js";

// The hub listens before its tenants have loaded: a tenant whose plugin is still starting (here, until the
// test opens its gate) answers its steps' fallbacks over HTTP, never 404 or 503, and delays no other tenant.

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const TOKEN = "loading-token-1";
const VIP = "05101234567";

let dir: string;
let gate: string;
let running: HubProcess;
let logged = "";
const call = async (id: string) => {
  const res = await sendCall(`${running.url}/t/${id}`, "json", { arayan_no: VIP, token: TOKEN });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const readyz = async () => {
  const res = await fetch(`${running.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  dir = await tempConfig("listen: { host: 127.0.0.1 }\n", { quick: await demoTenant("quick", TOKEN) });
  gate = path.join(dir, "gate");
  await writeFile(
    path.join(dir, "tenants", "late.yaml"),
    `
id: late
token: ${TOKEN}
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${SLOW}, config: { delayMs: 0, startGate: ${gate} } }
deadline: 300ms
steps:
  welcome:
    rules:
      - reply: { result: "1", say: "Merhaba {{ contact.firstName }}" }
    fallback: { result: e, say: "Hoş geldiniz" }
`,
  );
  const stream = new PassThrough();
  stream.on("data", (chunk) => {
    logged += chunk;
  });
  running = await runHub({
    configDir: dir,
    port: 0,
    env: {},
    signals: false,
    log: createLogger("info", { pretty: true, stream }),
  });
});
afterAll(async () => {
  await writeFile(gate, "");
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe("a hub whose tenants are still loading", () => {
  it("answers a loading tenant's fallback, serves the others as soon as they are ready, and says so in /readyz", async () => {
    // listening already, with one tenant held at its gate: its call waits out its deadline, then the fallback
    // (and a tenant ready within its step's deadline answers from its plugin, to a call that came first)
    const asked = performance.now();
    const [first, quick] = await Promise.all([
      call("late").then((answer) => ({ ...answer, ms: performance.now() - asked })),
      call("quick"),
    ]);
    expect(first).toMatchObject({ status: 200, body: { status: "success", result: "e", data: "Hoş geldiniz" } });
    expect(first.ms).toBeGreaterThanOrEqual(290);
    expect(first.ms).toBeLessThan(1500);
    expect(quick).toMatchObject({ status: 200, body: { result: "extensions", redirect: "101" } });
    expect(await call("late")).toMatchObject({ status: 200, body: { result: "e" } });
    expect(await readyz()).toMatchObject({
      status: 503,
      body: { status: "unready", loading: 1, reason: "1 tenants still loading" },
    });
    expect(running.hub.tenants().map((t) => t.config.id)).toEqual(["quick"]);

    await writeFile(gate, "");
    await running.hub.ready;
    expect(await call("late")).toEqual({
      status: 200,
      body: { status: "success", result: "1", data: "Merhaba Ahmet" },
    });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: "ready", tenants: 2, loading: 0 } });

    for (const id of ["late", "quick"]) {
      expect(logged).toMatch(new RegExp(`INFO: tenant ready \\{"tenant":"${id}","plugin":"(slow|csv)","ms":\\d+\\}`));
    }
    expect(logged).toMatch(/INFO: tenants loaded \{"tenants":\["late","quick"\],"broken":0,"ms":\d+\}/);
    expect(logged).toMatch(/"tenant":"late".*"outcome":"loading"/);
  });
});
