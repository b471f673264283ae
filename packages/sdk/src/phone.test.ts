import { describe, expect, it } from "vitest";
import { parsePhone, phoneShapes, phonesIn } from "./phone.js";

describe("parsePhone", () => {
  // every form CRM-NOTES.md says a Turkish caller arrives or is stored in
  const forms = [
    "05441000000",
    "5441000000",
    "905441000000",
    "+905441000000",
    "00905441000000",
    "+90 544 100 00 00",
    "0544 100 00 00",
    "(0544) 100 00 00",
    "+90 (544) 100-0000",
    "0544-100-00-00",
    " 905441000000", // a + decoded to a space in a GET query or form body
  ];
  it.each(forms)("reads %j as +905441000000", (form) => {
    expect(parsePhone(form)).toMatchObject({ e164: "+905441000000", national: "5441000000", country: "TR" });
  });

  it("reads landlines and 0850 numbers", () => {
    expect(parsePhone("0212 555 12 34")?.e164).toBe("+902125551234");
    expect(parsePhone("08503030303")?.e164).toBe("+908503030303");
  });

  it("recovers a foreign number whose + became a space", () => {
    expect(parsePhone(" 442071838750")?.e164).toBe("+442071838750");
  });

  it("returns null for empty, withheld and junk input", () => {
    for (const raw of ["", "   ", "anonymous", "Unknown", "gizli", "-1", "0", "abc", "12", undefined, null]) {
      expect(parsePhone(raw)).toBeNull();
    }
  });
});

describe("phoneShapes", () => {
  it("gives every shape a CRM may hold, E.164 first, without duplicates", () => {
    const shapes = phoneShapes({ e164: "+905441000000", national: "5441000000" });
    expect(shapes[0]).toBe("+905441000000");
    expect(shapes).toEqual(expect.arrayContaining(["905441000000", "05441000000", "5441000000", "0544 100 00 00"]));
    expect(shapes).toEqual(expect.arrayContaining(["+90 544 100 00 00", "(0544) 100 00 00", "+90 (544) 100-0000"]));
    expect(new Set(shapes).size).toBe(shapes.length);
  });
  it("parses every shape back to the same number", () => {
    for (const shape of phoneShapes({ e164: "+905441000000", national: "5441000000" })) {
      expect(parsePhone(shape)?.e164, shape).toBe("+905441000000");
    }
  });
});

describe("phonesIn", () => {
  it("finds several numbers in one field, with text around them", () => {
    expect(phonesIn("iş: 0212 555 12 34 / cep: 0544 100 00 00")).toEqual(["+902125551234", "+905441000000"]);
    expect(phonesIn("05441000000, 05441000001; +90 532 111 22 33")).toHaveLength(3);
  });
  it("finds nothing in junk", () => {
    expect(phonesIn("yok")).toEqual([]);
    expect(phonesIn("12-34")).toEqual([]);
    expect(phonesIn("")).toEqual([]);
  });
});
