import { describe, expect, it } from "vitest";
import { tokenMatches } from "./token.js";

describe("tokenMatches", () => {
  it("accepts the tenant's token", () => {
    expect(tokenMatches("s3cret-token", "s3cret-token")).toBe(true);
  });

  it("refuses a different token of the same length", () => {
    expect(tokenMatches("s3cret-token", "s3cret-tokeN")).toBe(false);
  });

  it("refuses a token of another length, including a prefix of the right one", () => {
    expect(tokenMatches("s3cret-token", "s3cret")).toBe(false);
    expect(tokenMatches("s3cret-token", "s3cret-token-and-more")).toBe(false);
  });

  it("refuses a call without a token, and an empty one", () => {
    expect(tokenMatches("s3cret-token", undefined)).toBe(false);
    expect(tokenMatches("s3cret-token", "")).toBe(false);
  });
});
