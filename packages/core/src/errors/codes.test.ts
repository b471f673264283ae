import { describe, expect, it } from "vitest";
import { ERROR_FAMILIES, REQUEST_ERRORS } from "./codes.js";

describe("REQUEST_ERRORS", () => {
  it("holds every family's codes, each declared once, with a status a client may be told", () => {
    const declared = Object.values(ERROR_FAMILIES).flatMap((family) => Object.keys(family));
    expect(new Set(declared).size).toBe(declared.length);
    expect(Object.keys(REQUEST_ERRORS).sort()).toEqual([...declared].sort());
    for (const status of Object.values(REQUEST_ERRORS)) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of Object.values(REQUEST_ERRORS)) expect(status).toBeLessThan(500);
  });
});
