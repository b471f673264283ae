import { readFileSync } from "node:fs";
import path from "node:path";
import { CRM_ERROR_KINDS } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/index.js";

// the tenant file shown in the README is loaded by the real hub in test/salesforce.e2e.test.ts
const readme = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");

describe("the README", () => {
  it("documents every CrmError kind", () => {
    for (const kind of Object.keys(CRM_ERROR_KINDS)) expect(readme).toContain(`| \`${kind}\` |`);
  });

  it("documents every config key", () => {
    const auth = { flow: "clientCredentials", clientId: "id", clientSecret: "s" };
    const config = configSchema.parse({
      auth,
      customerNumber: { object: "Contact", field: "No__c" },
      loginUrl: "https://a.my.salesforce.com",
    });
    for (const key of Object.keys(config)) expect(readme, key).toContain(`| \`${key}`);
    for (const key of ["flow", "clientId", "clientSecret", "username", "privateKey", "audience", "refreshToken"]) {
      expect(readme, key).toContain(`| \`auth.${key}\``);
    }
    for (const key of Object.keys(config.objects[0] ?? {}).filter((k) => k !== "customerNumber")) {
      expect(readme, key).toMatch(new RegExp(`\\| (\`\\w+\`, )*\`${key}\``));
    }
  });
});
