import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { loadTenantDir, loadTenantFile } from "./load.js";

const env = { ACME_TOKEN: "acme-secret-1" };

function yaml(id: string, extra = ""): string {
  return `id: ${id}
token: \${env:ACME_TOKEN}
${extra}
results:
  "1": known customer
  e: error
crm:
  adapter: csv
  config: { file: contacts.csv }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, hoş geldiniz." }
      - when: { hours: { not: "09:00-18:00 mon-fri" } }
        reply: { result: announcement, redirect: mesaidisi }
      - reply: { result: dial, redirect: 05441000000 }
    fallback: { result: e }
`;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "tenants-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function failure(file: string, e: Record<string, string> = env): Promise<ConfigError> {
  const error = await loadTenantFile(file, e).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadTenantFile", () => {
  it("loads a tenant file with its secret from the environment", async () => {
    const file = await write("acme.yaml", yaml("acme", "dids: [0850 303 03 03]"));
    const tenant = await loadTenantFile(file, env);
    expect(tenant).toMatchObject({ id: "acme", file, token: "acme-secret-1", dids: ["8503030303"] });
    expect(tenant.defaultStep.rules).toHaveLength(3);
  });

  it("keeps the leading 0 of a number written without quotes", async () => {
    const tenant = await loadTenantFile(await write("acme.yaml", yaml("acme")), env);
    expect(tenant.defaultStep.rules[2]?.reply).toEqual({ result: "dial", redirect: "05441000000" });
  });

  it("reports a YAML syntax error with its line and column", async () => {
    const error = await failure(await write("acme.yaml", "id: acme\nsteps:\n  welcome: [\n  oops: 1\n"));
    const [issue] = error.issues;
    expect(issue?.line).toBeGreaterThanOrEqual(3);
    expect(issue?.column).toBeGreaterThanOrEqual(1);
    expect(error.message).toMatch(
      new RegExp(`^${error.file}: YAML syntax error at line ${issue?.line}, column ${issue?.column}: `),
    );
  });

  it("reports a key written twice", async () => {
    const text = `${yaml("acme")}token: other-token\n`;
    const line = text.split("\n").length - 1;
    const error = await failure(await write("acme.yaml", text));
    expect(error.message).toMatch(`YAML syntax error at line ${line}, column 1: Map keys must be unique`);
  });

  it("says an empty file is empty", async () => {
    const error = await failure(await write("acme.yaml", "# nothing yet\n"));
    expect(error.issues).toEqual([{ path: "", message: "the file is empty; a tenant needs id, token, crm and steps" }]);
  });

  it("refuses an id that differs from the file name", async () => {
    const file = await write("acme-prod.yaml", yaml("acme"));
    expect((await failure(file)).message).toBe(
      `${file}: id: "acme" does not match the file name; set id: acme-prod or rename the file to acme.yaml`,
    );
  });

  it("names the missing environment variable, and still checks the rest of the file", async () => {
    const file = await write("acme.yaml", yaml("acme", "region: tr"));
    const error = await failure(file, {});
    expect(error.message).toBe(
      [
        `${file}: token: ACME_TOKEN is not set; set ACME_TOKEN in the hub's environment`,
        `${file}: region: use a two-letter region code like TR`,
      ].join("\n"),
    );
  });

  it("says when the file cannot be read", async () => {
    const error = await failure(path.join(dir, "nope.yaml"));
    expect(error.message).toMatch(/nope\.yaml: cannot read the file: ENOENT/);
  });
});

describe("loadTenantDir", () => {
  it("loads the good files when one is broken, and names the broken one", async () => {
    await write("acme.yaml", yaml("acme"));
    const broken = await write("beta.yaml", yaml("beta").replace('result: "1"', "result: quue"));
    await write("notes.txt", "not a tenant");
    await write("gamma.yml", yaml("gamma"));
    const { tenants, errors } = await loadTenantDir(dir, env);
    expect(tenants.map((t) => t.id)).toEqual(["acme", "gamma"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.file).toBe(broken);
    expect(errors[0]?.message).toContain(`${broken}: steps.welcome.rules[0].reply.result: "quue" is not a result code`);
  });

  it("keeps the first of two files with one id and names both", async () => {
    const first = await write("acme.yaml", yaml("acme"));
    const second = await write("acme.yml", yaml("acme"));
    const { tenants, errors } = await loadTenantDir(dir, env);
    expect(tenants.map((t) => t.file)).toEqual([first]);
    expect(errors.map((e) => e.message)).toEqual([
      `${second}: id: "acme" is also the id of ${first}; keep one of the two files`,
    ]);
  });

  it("refuses every file claiming a DID no tenant serves yet (at start), naming both, whatever form each wrote", async () => {
    const first = await write("acme.yaml", yaml("acme", 'dids: ["8503030303"]'));
    const second = await write("beta.yaml", yaml("beta", 'dids: ["8503030304", "+90 850 303 03 03"]'));
    await write("gamma.yaml", yaml("gamma", 'dids: ["8503030305"]'));
    const { tenants, errors } = await loadTenantDir(dir, env);
    expect(tenants.map((t) => t.id)).toEqual(["gamma"]);
    const rest =
      "and no tenant serves it yet; a number reaches one tenant only, so neither file is served until one of them drops it";
    expect(errors.map((e) => e.message)).toEqual([
      `${first}: dids[0]: 8503030303 is also a DID of tenant "beta" (${second}) ${rest}`,
      `${second}: dids[1]: 8503030303 is also a DID of tenant "acme" (${first}) ${rest}`,
    ]);
  });

  it("leaves a DID with the tenant serving it and refuses a file claiming it, even one whose name sorts first", async () => {
    const live = await write("zeta.yaml", yaml("zeta", 'dids: ["8503030303"]'));
    const added = await write("aaa.yaml", yaml("aaa", 'dids: ["0850 303 03 03"]'));
    const serving = new Map([["8503030303", { id: "zeta", file: live }]]);
    const { tenants, errors } = await loadTenantDir(dir, env, serving);
    expect(tenants.map((t) => t.id)).toEqual(["zeta"]);
    expect(errors.map((e) => e.message)).toEqual([
      `${added}: dids[0]: 8503030303 is already served by tenant "zeta" (${live}); a number reaches one tenant only: take it out of this file, or out of ${live} first`,
    ]);
    // the serving file breaks: its tenant goes on answering on its last good config, with the number
    await write("zeta.yaml", "steps: [");
    const again = await loadTenantDir(dir, env, serving);
    expect(again.tenants).toEqual([]);
    expect(again.errors.map((e) => e.file).sort()).toEqual([added, live]);
  });

  it("frees a DID when the tenant serving it gives it up, so another file may take it", async () => {
    const live = await write("zeta.yaml", yaml("zeta", 'dids: ["8503030304"]'));
    await write("aaa.yaml", yaml("aaa", 'dids: ["8503030303"]'));
    const serving = new Map([["8503030303", { id: "zeta", file: live }]]);
    const { tenants, errors } = await loadTenantDir(dir, env, serving);
    expect(tenants.map((t) => t.id)).toEqual(["aaa", "zeta"]);
    expect(errors).toEqual([]);
  });

  it("reports a tenants directory that does not exist", async () => {
    const missing = path.join(dir, "missing");
    const { tenants, errors } = await loadTenantDir(missing, env);
    expect(tenants).toEqual([]);
    expect(errors[0]?.message).toMatch(/cannot read the tenants directory: ENOENT/);
  });

  it("reads a directory of hundreds of files as it reads a few (their YAML on worker threads), in name order", async () => {
    for (let i = 0; i < 150; i++)
      await write(`t${String(i).padStart(3, "0")}.yaml`, yaml(`t${String(i).padStart(3, "0")}`));
    await write("t050.yaml", `${yaml("t050")}\nsteps: [`); // broken, among the others
    await write("t075.yaml", yaml("t075").replace("redirect: 05441000000", "redirect: +905441000000"));
    const { tenants, errors } = await loadTenantDir(dir, env);
    expect(tenants.map((t) => t.id)).toEqual(
      Array.from({ length: 150 }, (_, i) => `t${String(i).padStart(3, "0")}`).filter((id) => id !== "t050"),
    );
    expect(errors.map((e) => e.file)).toEqual([path.join(dir, "t050.yaml")]);
    expect(errors[0]?.issues[0]).toMatchObject({
      message: expect.stringMatching(/^YAML syntax error at line \d+, column \d+: /),
    });
    // the digits keep their leading + or 0, as on the event loop
    const t075 = tenants.find((t) => t.id === "t075");
    expect(t075?.defaultStep.rules[2]?.reply.redirect).toBe("+905441000000");
    expect(tenants[0]?.defaultStep.rules[2]?.reply.redirect).toBe("05441000000");
  });

  it("does not read again a file whose size and times have not changed, and reads one that was rewritten", async () => {
    const file = await write("acme.yaml", yaml("acme"));
    const first = await loadTenantDir(dir, env);
    const known = new Map(first.tenants.map((t) => [t.file, t]));
    const again = await loadTenantDir(dir, env, new Map(), known);
    expect(again.tenants[0]).toBe(first.tenants[0]); // the very config in use
    await write("acme.yaml", yaml("acme").replace("hoş geldiniz", "yeniden hoş geldiniz"));
    const changed = await loadTenantDir(dir, env, new Map(), known);
    expect(changed.tenants[0]).not.toBe(first.tenants[0]);
    expect(changed.tenants[0]?.file).toBe(file);
  });
});
