import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CONFORMANCE_RECORDS } from "@santral-hub/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { jwtAudience } from "../src/auth.js";
import type { FakeSalesforce } from "./fake/server.js";
import { fakeConfig, fakeWith, open, PRIVATE_PEM } from "./fixtures.js";

let fake: FakeSalesforce | undefined;
afterEach(() => fake?.close());

const grants = (f: FakeSalesforce) => f.received.filter((r) => r.kind === "token").map((r) => r.grant);

describe("each OAuth flow signs in through jsforce and the lookup runs on its token", () => {
  it("client credentials: consumer key and secret", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup } = await open(fakeConfig(fake));
    expect((await lookup("05441000000")).map((c) => c.name)).toEqual(["Ayşe Yılmaz"]);
    expect(grants(fake)).toEqual(["client_credentials"]);
  });

  it("JWT bearer: an RS256 assertion the fake verifies against the certificate's key, for the user", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const auth = {
      flow: "jwt" as const,
      clientId: fake.app.clientId,
      username: fake.app.username,
      privateKey: PRIVATE_PEM,
    };
    const { lookup } = await open(fakeConfig(fake, { auth }));
    expect(await lookup("05441000000")).toHaveLength(1);
    expect(grants(fake)).toEqual(["urn:ietf:params:oauth:grant-type:jwt-bearer"]);
  });

  it("JWT bearer: a key from one line of the environment (\\n for newlines) or from a file", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const auth = { flow: "jwt" as const, clientId: fake.app.clientId, username: fake.app.username };
    const oneLine = PRIVATE_PEM.trim().replace(/\n/g, "\\n");
    expect(
      await (await open(fakeConfig(fake, { auth: { ...auth, privateKey: oneLine } }))).lookup("05441000000"),
    ).toHaveLength(1);
    const dir = await mkdtemp(path.join(tmpdir(), "sf-key-"));
    try {
      await writeFile(path.join(dir, "santral.key"), PRIVATE_PEM);
      const fromFile = await open(fakeConfig(fake, { auth: { ...auth, privateKey: "santral.key" } }), dir);
      expect(await fromFile.lookup("05441000000")).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("JWT bearer: another key, user or audience is refused as auth, with Salesforce's reason", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    const auth = {
      flow: "jwt" as const,
      clientId: fake.app.clientId,
      username: fake.app.username,
      privateKey: PRIVATE_PEM,
    };
    for (const [changed, reason] of [
      [{ privateKey: other.toString() }, "invalid assertion"],
      [{ username: "someone@else.example" }, "user hasn't approved this consumer"],
      [{ audience: "https://test.salesforce.com" }, "audience is invalid"],
    ] as const) {
      const { lookup } = await open(fakeConfig(fake, { auth: { ...auth, ...changed } }));
      await expect(lookup("05441000000")).rejects.toMatchObject({
        kind: "auth",
        message: `salesforce: the token endpoint refused the credentials (invalid_grant: ${reason}); check auth`,
      });
    }
  });

  it("JWT bearer: the audience is login.salesforce.com, or test.salesforce.com for sandboxes", () => {
    expect(jwtAudience("https://login.salesforce.com")).toBe("https://login.salesforce.com");
    expect(jwtAudience("https://acme.my.salesforce.com")).toBe("https://login.salesforce.com");
    expect(jwtAudience("https://test.salesforce.com")).toBe("https://test.salesforce.com");
    expect(jwtAudience("https://acme--uat.sandbox.my.salesforce.com")).toBe("https://test.salesforce.com");
  });

  it("refresh token: from the web server flow, with or without the consumer secret", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const auth = { flow: "refreshToken" as const, clientId: fake.app.clientId, refreshToken: fake.app.refreshToken };
    expect(await (await open(fakeConfig(fake, { auth }))).lookup("05441000000")).toHaveLength(1);
    const withSecret = { ...auth, clientSecret: fake.app.clientSecret };
    expect(await (await open(fakeConfig(fake, { auth: withSecret }))).lookup("05441000000")).toHaveLength(1);
    expect(grants(fake)).toEqual(["refresh_token", "refresh_token"]);
    const revoked = await open(fakeConfig(fake, { auth: { ...auth, refreshToken: "revoked" } }));
    await expect(revoked.lookup("05441000000")).rejects.toMatchObject({
      kind: "auth",
      message: expect.stringContaining("invalid_grant"),
    });
  });

  it("a wrong consumer secret is auth, and the secret is in no message or log line", async () => {
    fake = await fakeWith(CONFORMANCE_RECORDS);
    const { lookup, log } = await open(
      fakeConfig(fake, {
        auth: { flow: "clientCredentials", clientId: fake.app.clientId, clientSecret: "wrong-secret-123" },
      }),
    );
    const error = await lookup("05441000000").catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "auth",
      message:
        "salesforce: the token endpoint refused the credentials (invalid_client: invalid client credentials); check auth",
    });
    expect(JSON.stringify(log.entries)).not.toContain("wrong-secret-123");
  });
});
