import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, formatPath, fromZodError } from "./errors.js";

describe("ConfigError", () => {
  it("prints one line per problem: file, path, message", () => {
    const error = new ConfigError("config/tenants/acme.yaml", [
      { path: "steps.welcome.fallback", message: "missing; expected object" },
      { path: "", message: "the file is empty" },
    ]);
    expect(error.message).toBe(
      "config/tenants/acme.yaml: steps.welcome.fallback: missing; expected object\nconfig/tenants/acme.yaml: the file is empty",
    );
    expect(error.file).toBe("config/tenants/acme.yaml");
    expect(error.name).toBe("ConfigError");
  });
});

describe("formatPath", () => {
  it("writes paths as in the YAML file", () => {
    expect(formatPath(["steps", "welcome", "rules", 2, "reply", "result"])).toBe("steps.welcome.rules[2].reply.result");
    expect(formatPath(["results", "1"])).toBe('results["1"]');
    expect(formatPath([0, "a"])).toBe("[0].a");
  });
});

describe("fromZodError", () => {
  const schema = z.object({ url: z.string(), mode: z.enum(["a", "b"]), limit: z.number().max(10) }).strict();
  const error = schema.safeParse({ mode: "c", limit: 11, uril: "x" }).error as z.ZodError;

  it("places a plugin's issues under a prefix, written as a string or as keys", () => {
    const a = fromZodError("acme.yaml", error, "crm.config");
    const b = fromZodError("acme.yaml", error, ["crm", "config"]);
    expect(a.issues).toEqual(b.issues);
    expect(a.issues.map((i) => i.path)).toEqual([
      "crm.config.url",
      "crm.config.mode",
      "crm.config.limit",
      "crm.config.uril",
    ]);
  });

  it("says what to change rather than zod's wording", () => {
    const { issues } = fromZodError("acme.yaml", error);
    expect(issues).toContainEqual({ path: "url", message: "missing; expected string" });
    expect(issues).toContainEqual({ path: "mode", message: "use one of: a, b" });
    expect(issues).toContainEqual({ path: "uril", message: "unknown key; check its spelling" });
    expect(fromZodError("acme.yaml", error).message).toContain("acme.yaml: url: missing; expected string");
  });
});
