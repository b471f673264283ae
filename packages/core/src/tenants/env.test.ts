// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:NAME} is the syntax under test
import { describe, expect, it } from "vitest";
import { interpolateEnv, MissingEnvError } from "./env.js";

describe("interpolateEnv", () => {
  it("replaces ${env:NAME} in string values at any depth", () => {
    const doc = {
      token: "${env:T}",
      crm: { config: { url: "https://${env:HOST}/api?k=${env:T}", list: ["${env:HOST}", 3] } },
    };
    expect(interpolateEnv(doc, { T: "s3cret!!", HOST: "crm.example" })).toEqual({
      token: "s3cret!!",
      crm: { config: { url: "https://crm.example/api?k=s3cret!!", list: ["crm.example", 3] } },
    });
  });

  it("leaves numbers, booleans, null and keys alone", () => {
    const doc = { "${env:K}": 1, on: true, off: null };
    expect(interpolateEnv(doc, { K: "x" })).toEqual(doc);
  });

  it("does no other substitution: $NAME, ${NAME} and templates stay as written", () => {
    const doc = { a: "$HOME ${HOME} {{ contact.name }} ${env:HOME:-x}" };
    expect(() => interpolateEnv(doc, { HOME: "/root" })).toThrow('"${env:HOME:-x}" is not a variable name');
    expect(interpolateEnv({ a: "$HOME ${HOME} {{ contact.name }}" }, { HOME: "/root" })).toEqual({
      a: "$HOME ${HOME} {{ contact.name }}",
    });
  });

  it("names a missing variable, where it is used, and what to do", () => {
    const doc = { token: "${env:ACME_TOKEN}", crm: { config: { keys: ["${env:API_KEY}"] } } };
    let error: unknown;
    try {
      interpolateEnv(doc, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingEnvError);
    expect((error as MissingEnvError).issues).toEqual([
      { path: "token", message: "ACME_TOKEN is not set; set ACME_TOKEN in the hub's environment" },
      { path: "crm.config.keys[0]", message: "API_KEY is not set; set API_KEY in the hub's environment" },
    ]);
  });

  it("takes an empty variable as set", () => {
    expect(interpolateEnv({ a: "x${env:E}y" }, { E: "" })).toEqual({ a: "xy" });
  });

  it("keeps a __proto__ key as data", () => {
    const doc = JSON.parse('{"__proto__": {"polluted": "${env:X}"}}');
    const out = interpolateEnv(doc, { X: "yes" }) as Record<string, unknown>;
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
