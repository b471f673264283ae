import { describe, expect, it } from "vitest";
import { signature, verifySignature } from "./signature.js";

const SECRET = "whsec_acme_7f3a";
const BODY = JSON.stringify({ event: "call.ringing", card: { name: "Şükrü Çelik", caller: "+905321234567" } });
const T = 1_767_225_600; // 2026-01-01T00:00:00Z

describe("webhook signatures", () => {
  it("is Stripe's scheme: t and the hex HMAC-SHA256 of `t.body`", () => {
    // computed independently: printf '%s' '1767225600.{}' | openssl dgst -sha256 -hmac whsec_acme_7f3a
    expect(signature(SECRET, "{}", T)).toBe(
      "t=1767225600,v1=addffd55c52ade6b4b1de5382d9626bf37041fde5e78e975979b78614a29a5e6",
    );
  });

  it("verifies with the secret, within the tolerance", () => {
    const header = signature(SECRET, BODY, T);
    expect(verifySignature(header, BODY, SECRET, { now: T })).toBe(true);
    expect(verifySignature(header, BODY, SECRET, { now: T + 300 })).toBe(true);
    expect(verifySignature(header, BODY, SECRET, { now: T - 300 })).toBe(true);
  });

  it("fails with another secret, a changed body, or a time out of tolerance", () => {
    const header = signature(SECRET, BODY, T);
    expect(verifySignature(header, BODY, "whsec_globex_91c2", { now: T })).toBe(false);
    expect(verifySignature(header, BODY.replace("ringing", "answered"), SECRET, { now: T })).toBe(false);
    expect(verifySignature(header, `${BODY} `, SECRET, { now: T })).toBe(false);
    expect(verifySignature(header, BODY, SECRET, { now: T + 301 })).toBe(false); // replayed later
    expect(verifySignature(header, BODY, SECRET, { now: T + 60, toleranceSec: 30 })).toBe(false);
    // a time rewritten to look fresh no longer matches its digest
    const v1 = header.split("v1=")[1];
    expect(verifySignature(`t=${T + 1000},v1=${v1}`, BODY, SECRET, { now: T + 1000 })).toBe(false);
  });

  it("refuses malformed headers", () => {
    const v1 = signature(SECRET, BODY, T).split("v1=")[1] ?? "";
    for (const header of ["", "garbage", `v1=${v1}`, `t=${T}`, `t=${T},v1=${v1.slice(1)}`, `t=abc,v1=${v1}`]) {
      expect(verifySignature(header, BODY, SECRET, { now: T })).toBe(false);
    }
  });

  it("accepts any listed v1, so a secret can be rotated", () => {
    const current = signature(SECRET, BODY, T).split("v1=")[1];
    const other = signature("whsec_old", BODY, T).split("v1=")[1];
    expect(verifySignature(`t=${T},v1=${other},v1=${current}`, BODY, SECRET, { now: T })).toBe(true);
    expect(verifySignature(`t=${T}, v1=${other}`, BODY, SECRET, { now: T })).toBe(false);
  });

  it("signs at the current time by default", () => {
    const now = Math.floor(Date.now() / 1000);
    const t = Number(/^t=(\d+),/.exec(signature(SECRET, BODY))?.[1]);
    expect(Math.abs(t - now)).toBeLessThanOrEqual(1);
    expect(verifySignature(signature(SECRET, BODY), BODY, SECRET)).toBe(true);
  });
});
