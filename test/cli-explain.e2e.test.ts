import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/hub.js";

// `santral-hub explain` as an operator runs it: the bin, spawned on Node, from the repo root.

const BIN = path.join(REPO, "packages", "cli", "bin", "santral-hub.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function santralHub(...args: string[]): Promise<Run> {
  const { CONFIG_DIR: _ignored, ...env } = process.env; // --config's default is ./config, not the caller's
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Each run starts Node, tsx and the hub's modules: a second or two, longer on a busy machine.
describe("santral-hub explain", { timeout: 60_000 }, () => {
  it("explains the documentation's example call: one candidate, chosen, the VIP rule, the reply", async () => {
    const run = await santralHub("explain", "demo", "05101234567");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain("tenant demo, step welcome (lookup by phone, deadline 1500 ms)");
    expect(out).toContain("Caller     05101234567 → +905101234567 (TR)");
    expect(out).toMatch(/Shapes {5}15 searched: \+905101234567 \| 905101234567 \| 00905101234567 \| 05101234567/);
    expect(out).toContain("csv asked by phone +905101234567: 1 record returned");
    // the demo's CSV columns searched, as its file names them
    expect(out).toContain("\n           searched: telefon, cep\n");
    expect(out).toContain("* 10001  AHMET YILMAZ  (row, owner Zeynep Demir 101, VIP, updated 2026-10-01)");
    expect(out).toContain('phones: "05101234567" → +905101234567');
    expect(out).toContain("kept; chosen: the only record found");
    expect(out).toContain("Choice     10001 AHMET YILMAZ, the only record found");
    expect(out).toContain('Rule       #0 of step welcome, when {"vip":true}');
    expect(out).toContain("Reply      result extensions, redirect 101");
    expect(out).toContain('says: "Sayın A** Y** hoş geldiniz, sizi temsilciniz Zeynep Demir ile görüştürüyorum."');
    expect(out).toMatch(/Time \(ms\) +load [\d.]+ · lookup [\d.]+ · verify [\d.]+ · choose [\d.]+ · decide [\d.]+/);
  });

  it("prints the same explanation as JSON with --json", async () => {
    const run = await santralHub("explain", "demo", "05101234567", "--json");
    expect(run.code).toBe(0);
    const e = JSON.parse(run.stdout);
    expect(e).toMatchObject({
      tenant: "demo",
      step: { name: "welcome", lookup: "phone" },
      caller: { input: "05101234567", e164: "+905101234567", national: "5101234567", country: "TR" },
      query: { phone: "+905101234567" },
      crm: { adapter: "csv", plugin: "csv", returned: 1 },
      choice: { contact: "10001", name: "AHMET YILMAZ", resolver: "single", ambiguous: false },
      rule: { index: 0, when: { vip: true } },
      reply: {
        status: "success",
        result: "extensions",
        redirect: "101",
        data: "Sayın A** Y** hoş geldiniz, sizi temsilciniz Zeynep Demir ile görüştürüyorum.",
      },
    });
    expect(e.caller.variants).toContain("0510 123 45 67");
    expect(e.candidates).toEqual([
      expect.objectContaining({
        id: "10001",
        name: "AHMET YILMAZ",
        phones: [{ stored: "05101234567", numbers: ["+905101234567"] }],
        verified: "kept",
        chosen: true,
      }),
    ]);
    for (const stage of ["load", "lookup", "verify", "choose", "decide"]) {
      expect(e.timings[stage], stage).toBeGreaterThanOrEqual(0);
    }
  });

  it("shows both records of the shared number and `updated` deciding for Elif Kara", async () => {
    const run = await santralHub("explain", "demo", "0212", "333", "00", "00");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2 records returned");
    expect(run.stdout).toContain("* 10011  Elif Kara  (row, owner Zeynep Demir 101, updated 2026-11-02)");
    expect(run.stdout).toContain("kept; chosen by updated (2026-11-02)");
    expect(run.stdout).toContain("- 10012  Murat Kara  (row, owner Can Öztürk 102, updated 2026-10-20)");
    expect(run.stdout).toContain("kept; ruled out by updated (2026-10-20, against 2026-11-02)");
    expect(run.stdout).toContain("Choice     10011 Elif Kara, decided by updated");
    expect(run.stdout).toContain(
      "sameOwner undecided [10011, 10012] → kind undecided [10011, 10012] → updated decided",
    );
    expect(run.stdout).toContain('says: "Sayın E** K** hoş geldiniz."');

    const json = JSON.parse((await santralHub("explain", "demo", "02123330000", "--json")).stdout);
    expect(json.candidates.map((c: { id: string; chosen: boolean }) => [c.id, c.chosen])).toEqual([
      ["10011", true],
      ["10012", false],
    ]);
    expect(json.choice).toMatchObject({ contact: "10011", resolver: "updated", ambiguous: false });
  });

  it("says on a miss what was searched, and no record kinds for a CSV that has none", async () => {
    const run = await santralHub("explain", "demo", "05449999999");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("csv asked by phone +905449999999: 0 records returned");
    expect(run.stdout).toContain("\n           searched: telefon, cep\n");
    expect(run.stdout).toContain("  - the CRM returned no record for any of the 15 shapes in telefon, cep\n");
    expect(run.stdout).toContain("policy: sameOwner, kind, updated, created; company fallback off; limit 10\n");
    expect(run.stdout).not.toContain("Contact > Lead > Account");
  });

  it("explains the customer-number step", async () => {
    const [run, miss] = await Promise.all([
      santralHub("explain", "demo", "anonymous", "--step", "musteri", "--customer-number", "10003"),
      santralHub("explain", "demo", "05449999999", "--step", "musteri", "--customer-number", "99999"),
    ]);
    // searched by the number typed: no shapes of the caller's number
    expect(miss.stdout).toContain("Caller     05449999999 → +905449999999 (TR)\nTyped      99999\n");
    expect(miss.stdout).not.toContain("shapes");
    expect(miss.stdout).not.toContain("Shapes");
    expect(miss.stdout).toContain("csv asked by customer number 99999: 0 records returned");
    expect(miss.stdout).toContain("\n           searched: musteri_no\n");
    expect(miss.stdout).toContain("  - the CRM returned no record with customer number 99999 in musteri_no\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("csv asked by customer number 10003: 1 record returned");
    expect(run.stdout).toContain("unchecked; chosen: the only record found");
    expect(run.stdout).toContain("Reply      result extensions, redirect 102");
  });

  it("exits 1 with a message for an unknown tenant, and for a broken one", async () => {
    const unknown = await santralHub("explain", "acme", "05101234567");
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toMatch(/no tenant "acme" in .*config[/\\]tenants; the tenants there are: demo/);

    const dir = await mkdtemp(path.join(tmpdir(), "santral-cli-"));
    try {
      await mkdir(path.join(dir, "tenants"));
      await writeFile(path.join(dir, "tenants", "acme.yaml"), "id: acme\ntoken: short\n");
      const broken = await santralHub("explain", "acme", "05101234567", "--config", dir, "--json");
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/acme\.yaml: token: too short/);
      expect(JSON.parse(broken.stdout)).toMatchObject({ error: { code: "broken_tenant" } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on bad usage, and 0 with --help", async () => {
    const [missing, both, unknownOption, step, help] = await Promise.all([
      santralHub("explain", "demo"),
      santralHub("explain", "demo", "05101234567", "--call", "1.1"),
      santralHub("explain", "demo", "05101234567", "--colour"),
      santralHub("explain", "demo", "05101234567", "--step", "satis"),
      santralHub("explain", "--help"),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("missing NUMBER (or --call <id>)");
    expect(both).toMatchObject({ code: 2, stdout: "" });
    expect(both.stderr).toContain("give a NUMBER or --call, not both");
    expect(unknownOption).toMatchObject({ code: 2 });
    expect(unknownOption.stderr).toContain("unknown option '--colour'");
    expect(step.code).toBe(2);
    expect(step.stderr).toContain('tenant "demo" has no step "satis"; its steps are: welcome, musteri');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: santral-hub explain [options] <tenant> [number...]");
    expect(help.stdout).toContain("in full");
  });
});
