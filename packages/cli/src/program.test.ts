import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, run } from "./program.js";

// The command in-process, on a tenant whose shared numbers the policy cannot settle: the report's
// wording for an ambiguous call and a withheld name (test/cli-explain.e2e.test.ts runs the real bin).

const CSV = `no;ad;tel;temsilci;dahili
1;Elif Kara;0212 333 00 00;Zeynep Demir;101
2;Murat Kara;0212 333 00 00;Can Öztürk;102
3;Deniz Ak;0216 444 00 00;Zeynep Demir;101
4;Ece Ak;0216 444 00 00;Zeynep Demir;101
`;

const TENANT = `
id: acme
token: s3cret-token
results: { "2": unknown, e: error }
crm:
  adapter: csv
  config:
    file: ../acme.csv
    delimiter: ";"
    watch: false
    columns: { id: no, name: ad, phone: tel, ownerName: temsilci, ownerExtension: dahili }
steps:
  welcome:
    rules:
      - when: { ambiguous: true }
        reply: { result: queue, redirect: santral, say: "Hoş geldiniz." }
      - when: { known: true }
        reply: { result: extensions, redirect: "{{ contact.owner.extension }}", say: "Sayın {{ contact.name }}." }
      - reply: { result: "2" }
    fallback: { result: e }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "santral-cli-"));
  await mkdir(path.join(dir, "tenants"));
  await writeFile(path.join(dir, "acme.csv"), CSV);
  await writeFile(path.join(dir, "tenants", "acme.yaml"), TENANT);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An Io that keeps what the command writes. */
function capture(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const written = { stdout: "", stderr: "" };
  const io = {
    out: (text: string) => {
      written.stdout += text;
    },
    err: (text: string) => {
      written.stderr += text;
    },
    cwd,
    env,
  };
  return { io, written };
}

async function cli(...argv: string[]) {
  const { io, written } = capture(dir);
  const code = await run(argv, io);
  return { code, ...written };
}

describe("santral-hub explain, in-process", () => {
  it("reports an ambiguous call: nobody chosen, every record tied", async () => {
    const { code, stdout } = await cli("explain", "acme", "0212", "333", "00", "00", "--config", ".");
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain("Choice     nobody: ambiguous");
    expect(stdout).toContain("kept; tied on every resolver (sameOwner, kind, updated, created): the call is ambiguous");
    expect(stdout).toContain('Rule       #0 of step welcome, when {"ambiguous":true}');
    expect(stdout).toContain("- no resolver could pick one of the records: the call is ambiguous");
  });

  it("reports a route by a shared owner without a name", async () => {
    const { stdout } = await cli("explain", "acme", "02164440000", "--config", dir);
    expect(stdout).toContain("Choice     3+4 (name withheld), decided by sameOwner");
    expect(stdout).toContain('Reply      result extensions, redirect 101\n           says: "Sayın."');
  });

  it("reads the config directory from $CONFIG_DIR when --config is not given", async () => {
    const { io, written } = capture("/", { CONFIG_DIR: dir });
    expect(await run(["explain", "acme", "02164440000", "--json"], io)).toBe(EXIT.ok);
    expect(JSON.parse(written.stdout)).toMatchObject({ tenant: "acme", choice: { resolver: "sameOwner" } });
  });

  it("answers a step the tenant lacks with exit 2, and JSON for scripts", async () => {
    const { code, stdout, stderr } = await cli("explain", "acme", "1", "--step", "x", "--config", dir, "--json");
    expect(code).toBe(EXIT.usage);
    expect(stderr).toBe('santral-hub explain: tenant "acme" has no step "x"; its steps are: welcome\n');
    expect(JSON.parse(stdout)).toEqual({ error: { code: "unknown_step", message: expect.any(String) } });
  });

  it("answers an unknown tenant with exit 1, and --version with 0", async () => {
    expect((await cli("explain", "zzz", "1", "--config", dir)).code).toBe(EXIT.tenant);
    expect(await cli("--version")).toMatchObject({ code: EXIT.ok, stdout: "0.1.0\n" });
    expect((await cli("nonsense")).code).toBe(EXIT.usage);
  });
});
