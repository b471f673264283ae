import { describe, expect, it } from "vitest";
import { configSchema, plugin } from "../src/index.js";
import { memoryLog } from "./fixtures.js";

const auth = { flow: "clientCredentials", clientId: "id", clientSecret: "s3cr3t-value" };
const base = { loginUrl: "https://acme.my.salesforce.com", auth };

const issues = (config: Record<string, unknown>) =>
  configSchema.safeParse(config).error?.issues.map((i) => ({ path: i.path.join("."), message: i.message }));

describe("config", () => {
  it("fills in the defaults: Contact, Lead and Account with their standard fields", () => {
    const config = configSchema.parse(base);
    expect(config).toMatchObject({ apiVersion: "62.0", concurrency: 4, limit: 10, requestTimeout: 10_000 });
    expect(config.objects.map((o) => o.object)).toEqual(["Contact", "Lead", "Account"]);
    expect(config.objects[0]).toMatchObject({
      phones: ["Phone", "MobilePhone", "HomePhone", "OtherPhone"],
      company: "Account.Name",
      ownerExtension: "Owner.Extension",
      updatedAt: "LastModifiedDate",
      createdAt: "CreatedDate",
    });
    expect(
      configSchema.parse({ auth: { flow: "jwt", clientId: "id", username: "u", privateKey: "k.pem" } }).loginUrl,
    ).toBe("https://login.salesforce.com");
  });

  it("reads a full mapping, a VIP checkbox or value list, and marks the customer number's object", () => {
    const config = configSchema.parse({
      ...base,
      apiVersion: 61,
      objects: [
        {
          object: "Musteri__c",
          phones: ["Telefon__c"],
          name: "Name",
          vip: { field: "Tip__c", equals: ["VIP", "Altın"] },
        },
        "Lead",
      ],
      customerNumber: { object: "musteri__c", field: "Musteri_No__c" },
      requestTimeout: "3s",
    });
    expect(config.apiVersion).toBe("61.0");
    expect(config.requestTimeout).toBe(3000);
    expect(config.objects[0]).toMatchObject({
      vip: { field: "Tip__c", equals: ["VIP", "Altın"] },
      customerNumber: "Musteri_No__c",
    });
    expect(
      configSchema.parse({ ...base, objects: [{ object: "Lead", phones: ["Phone"], vip: "VIP__c" }] }).objects[0]?.vip,
    ).toEqual({
      field: "VIP__c",
    });
  });

  it("refuses names that are not API names, so nothing but a name reaches SOSL or SOQL", () => {
    const bad = { object: "Contact", phones: ["Phone) RETURNING User(Id"], fields: { x: "Name, Password__c" } };
    expect(issues({ ...base, objects: [bad] })?.map((i) => i.path)).toEqual([
      "objects.0.phones.0",
      "objects.0.fields.x",
    ]);
    expect(issues({ ...base, customerNumber: { object: "Contact", field: "X__c = '1' OR Id" } })?.[0]?.path).toBe(
      "customerNumber.field",
    );
  });

  it("says which flows exist, and what each needs", () => {
    expect(issues({ ...base, auth: { flow: "password" } })).toEqual([
      { path: "auth.flow", message: "use clientCredentials, jwt or refreshToken" },
    ]);
    expect(issues({ ...base, auth: { flow: "jwt", clientId: "id" } })?.map((i) => i.path)).toEqual([
      "auth.username",
      "auth.privateKey",
    ]);
    expect(
      configSchema.safeParse({ ...base, auth: { flow: "refreshToken", clientId: "id", refreshToken: "r" } }).success,
    ).toBe(true);
  });

  it("refuses the client credentials flow on login.salesforce.com, which does not serve it", () => {
    expect(issues({ ...base, loginUrl: "https://login.salesforce.com/" })).toEqual([
      {
        path: "loginUrl",
        message: "the client credentials flow needs the org's My Domain URL (https://acme.my.salesforce.com)",
      },
    ]);
  });

  it("refuses plain http except on this machine, an object listed twice, and an unmapped customer-number object", () => {
    expect(issues({ ...base, loginUrl: "http://acme.my.salesforce.com" })?.[0]?.path).toBe("loginUrl");
    expect(configSchema.safeParse({ ...base, loginUrl: "http://127.0.0.1:8080" }).success).toBe(true);
    expect(issues({ ...base, objects: ["Contact", "contact"] })).toEqual([
      { path: "objects.1", message: "Contact is listed twice; list it once" },
    ]);
    expect(issues({ ...base, objects: ["Lead"], customerNumber: { object: "Account", field: "No__c" } })).toEqual([
      { path: "customerNumber.object", message: "Account is not in objects; add it there so its fields are mapped" },
    ]);
    expect(issues({ ...base, objects: ["Opportunity"] })?.[0]?.message).toContain("has no standard mapping");
  });

  it("reports a misspelt key with its path, and never quotes a secret", () => {
    const found = configSchema.safeParse({ ...base, auth: { ...auth, clientSecet: "x" } }).error?.issues;
    expect(found?.[0]).toMatchObject({ code: "unrecognized_keys", path: ["auth"] });
    expect(JSON.stringify(issues({ ...base, loginUrl: "nope", auth: { ...auth, clientSecret: "" } }))).not.toContain(
      "s3cr3t",
    );
  });

  it("refuses a JWT key that is not PEM when the tenant loads, without quoting it", async () => {
    const config = configSchema.parse({
      auth: { flow: "jwt", clientId: "id", username: "u", privateKey: "MIIEv-not-a-key" },
    });
    const create = plugin.create(config, { tenant: "t", configDir: "/", log: memoryLog() });
    await expect(create).rejects.toMatchObject({
      kind: "bad_config",
      message: "salesforce: auth.privateKey is neither PEM text nor a .pem or .key file",
    });
    const pem = {
      ...config,
      auth: { ...config.auth, privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" },
    };
    await expect(plugin.create(pem, { tenant: "t", configDir: "/", log: memoryLog() })).rejects.toMatchObject({
      message: "salesforce: auth.privateKey is not a PEM private key",
    });
  });
});
