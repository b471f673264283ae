import type { Contact } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { verifyCandidates } from "./verify.js";

const CALLER = "+905441000000";

function stored(id: string, ...phones: string[]): Contact {
  return { id, source: "test", phones, fields: {} };
}

const ids = (contacts: Contact[]) => contacts.map((c) => c.id);

describe("verifyCandidates", () => {
  it("keeps a record whose stored number is the caller's, in any stored form", () => {
    const forms = ["05441000000", "+90 (544) 100-0000", "0090 544 100 00 00", "(0544) 100 00 00", "905441000000"];
    const { kept, dropped } = verifyCandidates(
      forms.map((f, i) => stored(`c${i}`, f)),
      CALLER,
      "TR",
    );
    expect(ids(kept)).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect(dropped).toEqual([]);
  });

  it("reads several numbers in one field, whatever separates them", () => {
    for (const field of [
      "0212 555 12 34 / 0544 100 00 00",
      "0212 555 12 34, 0544 100 00 00",
      "0212 555 12 34; 0544 100 00 00",
      "0212 555 12 34 veya 0544 100 00 00",
      "0212 555 12 34\n0544 100 00 00",
    ]) {
      const { kept, checks } = verifyCandidates([stored("two", field)], CALLER, "TR");
      expect(ids(kept), field).toEqual(["two"]);
      expect(checks[0]?.phones).toEqual([{ stored: field, numbers: ["+902125551234", CALLER] }]);
    }
  });

  it("reads a number with text around it", () => {
    for (const field of ["cep: 0544 100 00 00", "0544 100 00 00 (iş)", "Tel. +90 544 100 00 00 dahili yok"]) {
      expect(ids(verifyCandidates([stored("t", field)], CALLER, "TR").kept), field).toEqual(["t"]);
    }
  });

  it("finds the caller in any of a record's phone fields", () => {
    const { kept } = verifyCandidates([stored("m", "0212 555 12 34", "", "0544 100 00 00")], CALLER, "TR");
    expect(ids(kept)).toEqual(["m"]);
  });

  it("drops a near miss: a number that ends alike, or shares the digits under another prefix", () => {
    const nearMisses = [stored("n1", "0532 100 00 00"), stored("n2", "0544 100 00 01"), stored("n3", "1000000")];
    const { kept, dropped, checks } = verifyCandidates([stored("true", "05441000000"), ...nearMisses], CALLER, "TR");
    expect(ids(kept)).toEqual(["true"]);
    expect(ids(dropped)).toEqual(["n1", "n2", "n3"]);
    expect(checks.map((c) => c.kept)).toEqual([true, false, false, false]);
    expect(checks[1]?.phones).toEqual([{ stored: "0532 100 00 00", numbers: ["+905321000000"] }]);
  });

  it("drops junk and records without phones: a record that cannot be checked is not greeted", () => {
    const junk = [
      stored("j1", "yok"),
      stored("j2", "-"),
      stored("j3", ""),
      stored("j4"),
      stored("j5", "5441000000000000"),
    ];
    const { kept, dropped, checks } = verifyCandidates(junk, CALLER, "TR");
    expect(kept).toEqual([]);
    expect(ids(dropped)).toEqual(["j1", "j2", "j3", "j4", "j5"]);
    expect(checks.flatMap((c) => c.phones.flatMap((p) => p.numbers))).toEqual([]);
  });

  it("keeps every record of a shared number, in the order the CRM returned them", () => {
    const { kept } = verifyCandidates([stored("b", "05441000000"), stored("a", "+905441000000")], CALLER, "TR");
    expect(ids(kept)).toEqual(["b", "a"]);
  });

  it("reads stored numbers without a country code in the tenant's region", () => {
    const london = "+442079460000";
    expect(ids(verifyCandidates([stored("uk", "020 7946 0000")], london, "GB").kept)).toEqual(["uk"]);
    expect(ids(verifyCandidates([stored("uk", "020 7946 0000")], london, "TR").kept)).toEqual([]);
  });
});
