import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, tempConfig } from "./helpers/cli.js";
import { REPO, sendCall } from "./helpers/hub.js";

// Hot reload under a running hub (in this process, watching its directory as `santral-hub start` does):
// tenant files edited, broken, added and removed, and the calls that follow.

const SLOW = path.join(REPO, "test/fixtures/slow-plugin.ts");
const TOKEN = "reload-token-1";
const VIP = "05101234567";
const slowTenant = (say: string) => `
id: slow
token: ${TOKEN}
results: { "1": known, e: the CRM could not tell }
crm: { adapter: ${SLOW}, config: { delayMs: 400 } }
deadline: 3s
cache: { ttl: 0, notFoundTtl: 0, staleFor: 0 }
steps:
  welcome:
    rules:
      - reply: { result: "1", say: "${say}" }
    fallback: { result: e }
`;

let dir: string;
let running: HubProcess;
const file = (id: string) => path.join(dir, "tenants", `${id}.yaml`);
const call = async (id: string, caller = VIP) => {
  const res = await sendCall(`${running.url}/t/${id}`, "json", { arayan_no: caller, token: TOKEN });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
/** The next reload after `before` (each pass makes a new report). */
const reloaded = (before: unknown) =>
  eventually(async () => (running.hub.lastReload !== before ? running.hub.lastReload : undefined), "a reload");

beforeAll(async () => {
  dir = await tempConfig("listen: { host: 127.0.0.1 }\nreload: { debounce: 50 }\n", {
    alpha: await demoTenant("alpha", TOKEN),
    beta: await demoTenant("beta", TOKEN),
    slow: slowTenant("Eski"),
  });
  running = await runHub({ configDir: dir, port: 0, env: {}, signals: false, log: createLogger("silent") });
  await running.hub.ready; // the hub listens while its tenants load
});
afterAll(async () => {
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe("hot reload of tenant files", () => {
  it("applies an edited file to the next call, without touching the other tenants", async () => {
    expect((await call("alpha")).body.data).toMatch(/^Sayın A\*\* Y\*\* hoş geldiniz, sizi temsilciniz/);
    const beta = running.hub.tenants().find((t) => t.config.id === "beta");
    const before = running.hub.lastReload;
    const text = await readFile(file("alpha"), "utf8");
    await writeFile(file("alpha"), text.replace("hoş geldiniz, sizi temsilciniz", "yeniden hoş geldiniz, temsilciniz"));
    const report = await reloaded(before);
    expect(report).toMatchObject({ changed: ["alpha"], added: [], removed: [], broken: [] });
    expect((await call("alpha")).body.data).toBe(
      "Sayın A** Y** yeniden hoş geldiniz, temsilciniz Zeynep Demir ile görüştürüyorum.",
    );
    // an untouched file keeps its running tenant: the same adapter, connections and all
    expect(running.hub.tenants().find((t) => t.config.id === "beta")).toBe(beta);
  });

  it("keeps a tenant whose file breaks on its last good config, and reports it", async () => {
    const before = running.hub.lastReload;
    const good = await readFile(file("alpha"), "utf8");
    await writeFile(file("alpha"), `${good}\nsteps: [`);
    const report = await reloaded(before);
    expect(report.broken).toEqual([
      { id: "alpha", file: file("alpha"), kept: true, message: expect.stringContaining("YAML syntax error") },
    ]);
    expect((await call("alpha")).body).toMatchObject({ status: "success", result: "extensions" });
    expect(await (await fetch(`${running.url}/readyz`)).json()).toMatchObject({
      status: "ready",
      tenants: 3,
      broken: 1,
    });
    const metrics = await (await fetch(running.metricsUrl ?? "")).text();
    expect(metrics).toContain('santral_tenant_state{tenant="alpha",state="kept"} 1');

    const fixing = running.hub.lastReload;
    await writeFile(file("alpha"), good.replace("yeniden hoş geldiniz", "tekrar hoş geldiniz"));
    expect(await reloaded(fixing)).toMatchObject({ changed: ["alpha"], broken: [] });
    expect((await call("alpha")).body.data).toContain("Sayın A** Y** tekrar hoş geldiniz");
  });

  it("serves an added file and stops serving a removed one, with no restart", async () => {
    let before = running.hub.lastReload;
    await writeFile(file("gamma"), await demoTenant("gamma", TOKEN));
    expect(await reloaded(before)).toMatchObject({ added: ["gamma"] });
    expect((await call("gamma")).body).toMatchObject({ status: "success", redirect: "101" });

    before = running.hub.lastReload;
    await rm(file("beta"));
    expect(await reloaded(before)).toMatchObject({ removed: ["beta"] });
    expect(await call("beta")).toEqual({
      status: 404,
      body: { status: "error", message: 'no tenant "beta" on this hub; check the URL in the panel' },
    });
  });

  it("lets a call in flight finish on the config it started with; the next call gets the new one", async () => {
    const before = running.hub.lastReload;
    const inFlight = call("slow", "05441000000");
    await new Promise((resolve) => setTimeout(resolve, 100)); // the lookup is under way (it takes 400 ms)
    await writeFile(file("slow"), slowTenant("Yeni"));
    await reloaded(before);
    expect((await inFlight).body).toEqual({ status: "success", result: "1", data: "Eski" });
    expect((await call("slow", "05441000000")).body).toEqual({ status: "success", result: "1", data: "Yeni" });
  });

  it("reloads on demand (SIGHUP runs the same pass), restarting nothing when no file changed", async () => {
    const live = running.hub.tenants();
    const report = await running.hub.reload();
    expect(report).toMatchObject({ added: [], changed: [], removed: [], broken: [] });
    expect(running.hub.tenants()).toEqual(live);
  });

  it("keeps every tenant when the directory cannot be read for a moment (a deploy swapping it)", async () => {
    const tenants = path.join(dir, "tenants");
    await rename(tenants, `${tenants}.away`);
    try {
      const report = await running.hub.reload();
      expect(report.unreadable).toContain("cannot read the tenants directory");
      expect(report.removed).toEqual([]);
      expect((await call("gamma")).body).toMatchObject({ status: "success", redirect: "101" });
      expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    } finally {
      await rename(`${tenants}.away`, tenants);
    }
  });

  it("leaves a DID with the tenant serving it when a file added later claims it, even with its token", async () => {
    const DID = "8503030399";
    const atCall = async () => {
      const res = await sendCall(`${running.url}/call`, "json", { arayan_no: VIP, aranan_no: DID, token: TOKEN });
      return (await res.json()) as Record<string, string>;
    };
    let before = running.hub.lastReload;
    await writeFile(file("omega"), await demoTenant("omega", TOKEN, [DID]));
    expect(await reloaded(before)).toMatchObject({ added: ["omega"] });
    expect((await atCall()).data).toMatch(/^Sayın A\*\* Y\*\* hoş geldiniz/);
    const omega = running.hub.tenants().find((t) => t.config.id === "omega");

    // a copy with the same DID and token, its name sorting first, and another CRM behind it
    before = running.hub.lastReload;
    await writeFile(file("aaa"), slowTenant("Başka kiracı").replace("id: slow", `id: aaa\ndids: ["0${DID}"]`));
    const report = await reloaded(before);
    expect(report.added).toEqual([]);
    expect(report.broken).toContainEqual({
      id: "aaa",
      file: file("aaa"),
      kept: false,
      message: `${file("aaa")}: dids[0]: ${DID} is already served by tenant "omega" (${file("omega")}); a number reaches one tenant only: take it out of this file, or out of ${file("omega")} first`,
    });
    expect(report.states.get("omega")).toBe("live");
    expect(running.hub.tenants().find((t) => t.config.id === "omega")).toBe(omega);
    expect((await atCall()).data).toMatch(/^Sayın A\*\* Y\*\* hoş geldiniz/);
    expect(report.states.get("aaa")).toBe("broken");
    // SIGHUP's pass changes nothing: the number stays put
    expect((await running.hub.reload()).states.get("omega")).toBe("live");
    expect((await atCall()).data).toMatch(/^Sayın A\*\* Y\*\* hoş geldiniz/);

    before = running.hub.lastReload;
    await rm(file("aaa"));
    await rm(file("omega"));
    expect(await reloaded(before)).toMatchObject({ removed: ["omega"] });
  });
});
