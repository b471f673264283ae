import { describe, expect, it } from "vitest";
import { netsantral } from "./index.js";

describe("Netsantral's reply and error body", () => {
  it("writes a decision as {status, result, redirect, data}, every value a string", () => {
    const decision = { status: "success", result: "extensions", redirect: "101", say: "Sayın A** Y**." } as const;
    const reply = netsantral.reply(decision);
    expect(reply.type).toBe("application/json; charset=utf-8");
    expect(JSON.parse(reply.body)).toEqual({
      status: "success",
      result: "extensions",
      redirect: "101",
      data: "Sayın A** Y**.",
    });
    expect(netsantral.writeReply({ status: "success", result: "2" })).toEqual({ status: "success", result: "2" });
  });

  it("writes a decision as it is when answered", () => {
    const own = { status: "success" as const, result: "queue", redirect: "satis" };
    const first = netsantral.reply(own);
    own.redirect = "destek";
    expect(JSON.parse(netsantral.reply(own).body).redirect).toBe("destek");
    expect(JSON.parse(first.body).redirect).toBe("satis");
  });

  it("refuses with {status: error}, and the message only when it may be shown", () => {
    expect(JSON.parse(netsantral.refusal(undefined).body)).toEqual({ status: "error" });
    expect(JSON.parse(netsantral.refusal('wrong or missing static variable "token"').body)).toEqual({
      status: "error",
      message: 'wrong or missing static variable "token"',
    });
  });

  it("finds the called number and the token where the panel sends them, never an inherited property", () => {
    const fields = { aranan_no: "8503030303", anahtar: "s3cret-token" };
    expect(netsantral.calledNumber(fields)).toBe("8503030303");
    expect(netsantral.token(fields, "anahtar")).toBe("s3cret-token");
    expect(netsantral.token(fields, "constructor")).toBeUndefined();
    expect(netsantral.terms.token("anahtar")).toBe('static variable "anahtar"');
  });
});
