import { describe, expect, it } from "vitest";
import { mask } from "./mask.js";
import { speak } from "./speak.js";
import { compileTemplate } from "./template.js";
import { recaseAllCaps } from "./turkish-case.js";

describe("Turkish re-casing", () => {
  it("re-cases names stored in capitals by Turkish rules", () => {
    expect(recaseAllCaps("İLKER IŞIK")).toBe("İlker Işık");
    expect(recaseAllCaps("ÇAĞRI ÖZGÜR ŞAHİN")).toBe("Çağrı Özgür Şahin");
    expect(recaseAllCaps("AYŞE-NUR YILMAZ'IN")).toBe("Ayşe-nur Yılmaz'ın");
  });
  it("leaves mixed-case words, single letters and masked initials alone", () => {
    expect(recaseAllCaps("Sayın A** Y**, iPhone ile arıyorsunuz")).toBe("Sayın A** Y**, iPhone ile arıyorsunuz");
  });
  it("lets no word leave in all capitals", () => {
    const out = recaseAllCaps("VIP MÜŞTERİMİZ ABC LTD ŞTİ");
    for (const word of out.split(/\s+/)) expect(word).not.toMatch(/^\p{Lu}{2,}$/u);
  });
});

describe("mask", () => {
  it("keeps the initial of each name part", () => {
    expect(mask("Ahmet Mehmet Yılmaz")).toBe("A** M** Y**");
    expect(mask("ışıl ipek")).toBe("I** İ**");
    expect(mask("  ")).toBe("");
    expect(mask(undefined)).toBe("");
  });
});

describe("speak", () => {
  it("strips control characters and folds whitespace", () => {
    expect(speak("Merhaba\u0000\r\n\tdünya\u2028 hoş geldiniz", 750)).toBe("Merhaba dünya hoş geldiniz");
  });
  it("drops the space an empty template value leaves before punctuation", () => {
    expect(speak("Sayın  , hoş geldiniz !", 750)).toBe("Sayın, hoş geldiniz!");
    expect(speak("Sayın .", 750)).toBe("Sayın.");
  });
  it("caps the length at a word boundary", () => {
    const text = "Sayın müşterimiz hoş geldiniz, temsilcinize aktarıyoruz";
    const out = speak(text, 30);
    expect(out).toBe("Sayın müşterimiz hoş geldiniz");
    expect(out.length).toBeLessThanOrEqual(30);
  });
  it("cuts a single over-long word at the limit", () => {
    expect(speak("a".repeat(100), 10)).toBe("a".repeat(10));
  });
});

describe("templates", () => {
  const scope = {
    contact: { name: "AHMET YILMAZ", firstName: "Ahmet", owner: { extension: "101" } },
    call: { caller: "05441000000" },
  };
  it("renders contact and call data with the mask filter", () => {
    const t = compileTemplate("Sayın {{ contact.name | mask }}, {{ contact.owner.extension }} {{ call.caller }}");
    expect(t(scope)).toBe("Sayın A** Y**, 101 05441000000");
  });
  it("renders an unknown contact as empty text", () => {
    expect(compileTemplate("Merhaba {{ contact.firstName }}")({ contact: null, call: {} })).toBe("Merhaba ");
  });
  it("reaches no prototype, constructor or function", () => {
    const t = compileTemplate(
      "{{ contact.constructor }}|{{ contact.__proto__ }}|{{ call.toString }}|{{ call.caller.constructor.name }}",
    );
    expect(t(scope)).toBe("|||");
  });
  it("refuses file access and unknown filters when the tenant file loads", () => {
    expect(() => compileTemplate('{% include "/etc/passwd" %}')).toThrow(/include/);
    expect(() => compileTemplate('{% render "x" %}')).toThrow(/render/);
    expect(() => compileTemplate("{{ contact.name | shell }}")).toThrow(/undefined filter: shell/);
    expect(() => compileTemplate("{{ contact.name ")).toThrow(/not closed/);
  });
});
