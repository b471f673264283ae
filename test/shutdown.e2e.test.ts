import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type StartedHub, startCli, tempConfig } from "./helpers/cli.js";
import { REPO, sendCall } from "./helpers/hub.js";

// `santral-hub start` stopped with SIGTERM while a call waits on a slow CRM: the call gets its answer, then
// the process exits 0. Spawned, since signals and exit codes are the point.

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const TENANT = `
id: slow
token: shutdown-token
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${SLOW}, config: { delayMs: 1500 } }
deadline: 5s
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, sorgu {{ contact.fields.n }}." }
    fallback: { result: e }
`;

let dir: string;
let hub: StartedHub | undefined;
afterAll(async () => {
  await hub?.stop("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

describe("graceful shutdown", { timeout: 60_000 }, () => {
  it("answers the call in flight after SIGTERM, refuses new connections, then exits 0", async () => {
    dir = await tempConfig("shutdown: { grace: 10000 }\n", { slow: TENANT });
    const started = await startCli(dir);
    hub = started;
    const sent = Date.now();
    const inFlight = sendCall(`${started.url}/t/slow`, "json", { arayan_no: "05441000000", token: "shutdown-token" });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the CRM takes 1500 ms to answer it
    started.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow(); // no longer accepting

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toEqual({ status: "success", result: "1", data: "Sayın A** Y**, sorgu 1." });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1400);
    expect(await started.exited).toBe(0);
    const log = started.output();
    expect(log).toMatch(/"reason":"SIGTERM","inFlight":1,"msg":"shutting down: finishing the calls in flight"/);
    expect(log).toContain('"msg":"santral-hub stopped"');
    expect(log).not.toContain("calls cut short");
  });
});
