import type { Plugin } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { loadPlugin } from "../plugins/load-plugin.js";

// What each bundled plugin tells `explain` it searched, read from the tenant's own config: the columns,
// fields or properties it names, and the record kinds its CRM has (none for a CSV without a kind column).

const describe_ = async (adapter: string, config: unknown, by: "phone" | "customerNumber") => {
  const plugin: Plugin = await loadPlugin(adapter, [process.cwd()]);
  return plugin.describeSearch?.(plugin.configSchema.parse(config), by);
};

describe("describeSearch of the bundled plugins", () => {
  it("csv: the phone columns, the customer-number column, kinds only from a kind column", async () => {
    const columns = { phone: ["telefon", "cep"], customerNumber: "musteri_no" };
    expect(await describe_("csv", { file: "x.csv", columns }, "phone")).toEqual({ fields: ["telefon", "cep"] });
    expect(await describe_("csv", { file: "x.csv", columns: { ...columns, kind: "tur" } }, "customerNumber")).toEqual({
      fields: ["musteri_no"],
      kinds: { column: "tur" },
    });
  });

  it("sql: the query that searches, with the columns it returns", async () => {
    const config = {
      driver: "sqlite",
      url: "x.db",
      query: "SELECT * FROM rehber WHERE tel = :phone",
      customerNumberQuery: "SELECT * FROM rehber WHERE no = :customerNumber",
      columns: { phone: "tel", customerNumber: "no" },
    };
    expect(await describe_("sql", config, "phone")).toEqual({ fields: ["query (returning tel)"] });
    expect(await describe_("sql", config, "customerNumber")).toEqual({
      fields: ["customerNumberQuery (returning no)"],
    });
  });

  it("salesforce: each object's phone fields, and its objects as the kinds", async () => {
    const config = {
      loginUrl: "https://acme.my.salesforce.com",
      auth: { flow: "clientCredentials", clientId: "id", clientSecret: "secret" },
      objects: ["Contact", { object: "Musteri__c", phones: ["Tel__c"] }],
      customerNumber: { object: "Musteri__c", field: "No__c" },
    };
    const phone = await describe_("salesforce", config, "phone");
    expect(phone?.fields).toContain("Musteri__c.Tel__c");
    expect(phone?.fields.filter((f) => f.startsWith("Contact.")).length).toBeGreaterThan(0);
    expect(phone?.kinds).toEqual(["Contact", "Musteri__c"]);
    expect((await describe_("salesforce", config, "customerNumber"))?.fields).toEqual(["Musteri__c.No__c"]);
  });

  it("hubspot: each object's phone properties, and the kinds of its objects", async () => {
    const config = {
      auth: { type: "privateApp", accessToken: "pat-eu1-0000" },
      objects: [{ type: "contacts", phoneProperties: ["phone", "mobilephone"] }, "companies"],
      customerNumber: { property: "musteri_no" },
    };
    expect(await describe_("hubspot", config, "phone")).toEqual({
      fields: ["contacts.phone", "contacts.mobilephone", "companies.phone"],
      kinds: ["Contact", "company"],
    });
    expect((await describe_("hubspot", config, "customerNumber"))?.fields).toEqual(["contacts.musteri_no"]);
  });
});
