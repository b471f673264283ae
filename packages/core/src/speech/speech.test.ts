import { describe, expect, it } from "vitest";
import { compileReplies } from "../hub/live-tenant.js";
import { parseTenantSource } from "../tenants/load.js";
import { mask } from "./mask.js";
import { speak } from "./speak.js";
import { compileTemplate, TEMPLATE_LIMITS, TemplateRenderError } from "./template.js";
import { recaseAllCaps } from "./turkish-case.js";

describe("Turkish re-casing", () => {
  it("re-cases names stored in capitals by Turkish rules", () => {
    expect(recaseAllCaps("İLKER IŞIK")).toBe("İlker Işık");
    expect(recaseAllCaps("ÇAĞRI ÖZGÜR ŞAHİN")).toBe("Çağrı Özgür Şahin");
    expect(recaseAllCaps("AYŞE-NUR YILMAZ'IN")).toBe("Ayşe-Nur Yılmaz'ın");
  });
  it("capitalizes each part of a hyphenated name, but not a suffix after an apostrophe", () => {
    expect(recaseAllCaps("KILIÇ-ÖZTÜRK")).toBe("Kılıç-Öztürk");
    expect(recaseAllCaps("Sayın ZEYNEP KILIÇ-ÖZTÜRK'ÜN")).toBe("Sayın Zeynep Kılıç-Öztürk'ün");
    expect(recaseAllCaps("AHMET'İN İŞ-KUR")).toBe("Ahmet'in İş-Kur");
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

describe("template limits", () => {
  const none = { contact: null, call: {} };
  const failure = (render: () => unknown) => {
    try {
      render();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateRenderError);
      return (error as TemplateRenderError).reason;
    }
    return "rendered";
  };

  it("refuses at load a template whose loops over ranges render too much", () => {
    expect(() =>
      compileTemplate("{% for i in (1..100) %}{% for j in (1..100) %}{{ j }}{% endfor %}{% endfor %}"),
    ).toThrow(/would render 20\d{3} parts .*over the limit of 500/);
    expect(() => compileTemplate("{% for i in (1..1000000) limit: 3 %}{{ i }}{% endfor %}")).not.toThrow();
  });

  it("refuses at load a template too long or with too many filters or parts", () => {
    expect(() => compileTemplate(`{{ contact.name }}${"x".repeat(TEMPLATE_LIMITS.length)}`)).toThrow(
      /characters long, over the limit of 4000/,
    );
    expect(() => compileTemplate(`{{ contact.name${" | upcase".repeat(101)} }}`)).toThrow(/101 filters/);
    expect(() => compileTemplate("{{ contact.name }} ".repeat(200))).toThrow(/400 tags, outputs and text pieces/);
  });

  it("refuses the random filter, per-item expressions and HTML tables", () => {
    expect(() => compileTemplate("{{ contact.tags | sample }}")).toThrow(/undefined filter: sample/);
    expect(() => compileTemplate("{{ contact.tags | where_exp: 't', 't == 1' }}")).toThrow(/undefined filter/);
    expect(() => compileTemplate("{% tablerow t in contact.tags %}{{ t }}{% endtablerow %}")).toThrow(/tablerow/);
  });

  it("stops a loop over the data at its step budget, whatever the clock", () => {
    const t = compileTemplate("{% for a in contact.tags %}{% for b in contact.tags %}{{ b }}{% endfor %}{% endfor %}");
    const tags = (n: number) => ({ contact: { tags: Array.from({ length: n }, (_, i) => `t${i}`) }, call: {} });
    expect(t(tags(10))).toHaveLength(200);
    expect(failure(() => t(tags(30)))).toBe("steps");
  });

  it("stops a capture or assign that doubles itself at the memory budget", () => {
    const capture = `{% assign x = "0123456789" %}${"{% capture x %}{{x}}{{x}}{% endcapture %}".repeat(40)}{{ x | size }}`;
    expect(failure(() => compileTemplate(capture)(none))).toBe("memory");
    const assign = `{% assign x = "0123456789" %}${"{% assign x = x | append: x %}".repeat(40)}{{ x | size }}`;
    expect(failure(() => compileTemplate(assign)(none))).toBe("memory");
    expect(failure(() => compileTemplate("{{ (1..1000000000) | join }}")(none))).toBe("memory");
  });

  it("stops at the output and list-item budgets", () => {
    const long = { contact: { name: "a".repeat(TEMPLATE_LIMITS.output + 1) }, call: {} };
    expect(failure(() => compileTemplate("{{ contact.name }}")(long))).toBe("output");
    const many = { contact: { tags: Array.from({ length: TEMPLATE_LIMITS.items + 1 }, (_, i) => i) }, call: {} };
    expect(failure(() => compileTemplate("{{ contact.tags | sort | first }}")(many))).toBe("items");
  });

  it("fails the same way on the first render as on the hundredth", () => {
    const t = compileTemplate("{% for a in contact.tags %}{% for b in contact.tags %}{{ b }}{% endfor %}{% endfor %}");
    const scope = { contact: { tags: Array.from({ length: 23 }, (_, i) => `t${i}`) }, call: {} };
    const outcomes = new Set<string>();
    for (let i = 0; i < 100; i++) outcomes.add(failure(() => t(scope)));
    expect([...outcomes]).toEqual(["steps"]);
  });

  it("turns a filter that throws into a render failure that names a position, not the data", () => {
    const t = compileTemplate("Sayın {{ contact.name | url_decode }}");
    const scope = { contact: { name: "Ayşe Kaya %E0%A4%A" }, call: {} };
    expect(failure(() => t(scope))).toBe("error");
    expect(() => t(scope)).toThrow(/^the template failed to render at line:1, col:\d+$/);
  });
});

describe("template errors in a tenant file", () => {
  const FILE = "/config/tenants/acme.yaml";
  const source = (say: string) => `
id: acme
token: s3cret-token
results: { "2": unknown caller, e: the CRM could not tell }
crm: { adapter: fake }
steps:
  welcome:
    rules:
      - reply: { result: "2", say: ${JSON.stringify(say)} }
    fallback: { result: e }
`;

  it("names the file, step, rule and key of a template that does not parse", () => {
    expect(() => parseTenantSource(source("Merhaba {{ contact.name "), FILE, {})).toThrow(
      `${FILE}: steps.welcome.rules[0].reply.say: the template does not parse: output "{{ contact.name " not closed`,
    );
  });

  it("names the key when the tenant's replies are compiled, not the reply with the key cut short", () => {
    const config = parseTenantSource(source("Merhaba"), FILE, {});
    const step = config.steps.get("welcome");
    if (!step?.rules[0]) throw new Error("no rule");
    step.rules[0].reply.say = "{{ contact.name | shell }}"; // as if the schema had let it through
    expect(() => compileReplies(config)).toThrow(
      `${FILE}: steps.welcome.rules[0].reply.say: the template does not parse: undefined filter: shell`,
    );
  });
});
