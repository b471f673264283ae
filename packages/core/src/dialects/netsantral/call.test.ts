import { describe, expect, it } from "vitest";
import { parseCall } from "./call.js";

describe("parseCall (Netsantral's fields as a CallEvent)", () => {
  const fields = {
    arayan_no: "05101234567",
    aranan_no: "8503030303",
    santral_no: "8503030303",
    arama_id: "1234567.213",
    tus_bilgisi: "1",
    test: "1234",
    token: "t",
  };
  it("maps the documented fields and keeps the rest as static variables", () => {
    const call = parseCall(fields, "json", "TR");
    expect(call).toMatchObject({
      callId: "1234567.213",
      callerRaw: "05101234567",
      called: "8503030303",
      pbx: "8503030303",
      keys: "1",
      vars: { test: "1234", token: "t" },
      format: "json",
    });
    expect(call.caller?.e164).toBe("+905101234567");
  });
  it("treats -1 and an empty tus_bilgisi as no key pressed", () => {
    expect(parseCall({ ...fields, tus_bilgisi: "-1" }, "get", "TR").keys).toBeUndefined();
    expect(parseCall({ ...fields, tus_bilgisi: "" }, "get", "TR").keys).toBeUndefined();
  });
  it("gives a null caller for an empty or withheld number", () => {
    for (const arayan_no of ["", "anonymous", "Gizli", "  "]) {
      expect(parseCall({ ...fields, arayan_no }, "form", "TR").caller).toBeNull();
    }
  });
});
