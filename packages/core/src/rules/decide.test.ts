import { type Contact, parsePhone } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import type { CallEvent } from "../call.js";
import type { Condition, StepConfig } from "../tenants/types.js";
import { compileCondition } from "./conditions.js";
import { matchRule, type RuleFacts } from "./decide.js";
import { parseWindow } from "./hours.js";

/** A step whose rule i answers result `r<i>`; the fallback answers `e`. */
function step(...whens: (Condition | undefined)[]): StepConfig {
  return {
    name: "welcome",
    lookup: "phone",
    deadlineMs: 1500,
    rules: whens.map((when, i) => ({ when, reply: { result: `r${i}` }, test: compileCondition(when) })),
    fallback: { result: "e" },
  };
}

const call: CallEvent = {
  callId: "1234567.213",
  caller: parsePhone("05441000000"),
  callerRaw: "05441000000",
  called: "8503030303",
  pbx: "8503030303",
  vars: {},
  format: "json",
};

const ahmet: Contact = { id: "c1", source: "test", phones: ["05441000000"], name: "AHMET YILMAZ", fields: {} };

function facts(over: Partial<RuleFacts> = {}): RuleFacts {
  return {
    contact: null,
    call,
    ambiguous: false,
    lookupFailed: false,
    now: new Date("2024-01-01T07:00:00Z"), // Monday 10:00 in Istanbul
    timezone: "Europe/Istanbul",
    ...over,
  };
}

const decide = (s: StepConfig, f: Partial<RuleFacts> = {}) => matchRule(s, facts(f)).rule;

describe("matchRule", () => {
  it("answers with the first rule that matches, not a later one", () => {
    const result = matchRule(step({ known: true }, {}, {}), facts({ contact: ahmet }));
    expect(result).toEqual({ reply: { result: "r0" }, rule: 0 });
    expect(decide(step({ known: true }, {}), {})).toBe(1);
  });

  it("always matches a rule without when", () => {
    expect(decide(step(undefined), {})).toBe(0);
  });

  it("answers the fallback when no rule matches", () => {
    const result = matchRule(step({ known: true }), facts());
    expect(result).toEqual({ reply: { result: "e" }, rule: "fallback" });
  });

  it("requires every key of a when to hold", () => {
    const s = step({ known: true, vip: true });
    expect(decide(s, { contact: ahmet })).toBe("fallback");
    expect(decide(s, { contact: { ...ahmet, vip: true } })).toBe(0);
  });

  it("tells known from unknown callers", () => {
    expect(decide(step({ known: true }), { contact: ahmet })).toBe(0);
    expect(decide(step({ known: false }), { contact: ahmet })).toBe("fallback");
    expect(decide(step({ known: false }), {})).toBe(0);
  });

  it("routes VIPs, and treats an unknown caller as not VIP", () => {
    expect(decide(step({ vip: true }), { contact: { ...ahmet, vip: true } })).toBe(0);
    expect(decide(step({ vip: true }), { contact: ahmet })).toBe("fallback");
    expect(decide(step({ vip: false }), {})).toBe(0);
  });

  it("recognises a withheld caller", () => {
    expect(decide(step({ withheld: true }), { call: { ...call, caller: null, callerRaw: "anonymous" } })).toBe(0);
    expect(decide(step({ withheld: true }), {})).toBe("fallback");
    expect(decide(step({ withheld: false }), {})).toBe(0);
  });

  it("recognises an ambiguous match", () => {
    expect(decide(step({ ambiguous: true }), { ambiguous: true })).toBe(0);
    expect(decide(step({ ambiguous: true }), {})).toBe("fallback");
  });

  it("matches a contact having any of the tags, ignoring case", () => {
    const tagged = { ...ahmet, tags: ["Gold", "bayi"] };
    expect(decide(step({ tag: ["silver", "gold"] }), { contact: tagged })).toBe(0);
    expect(decide(step({ tag: ["BAYİ"] }), { contact: tagged })).toBe(0);
    expect(decide(step({ tag: ["silver"] }), { contact: tagged })).toBe("fallback");
    expect(decide(step({ tag: ["gold"] }), { contact: ahmet })).toBe("fallback");
  });

  it("matches a field case-insensitively with Turkish İ/ı", () => {
    const at = (city: string) => ({ contact: { ...ahmet, fields: { city } } });
    expect(decide(step({ field: { city: ["istanbul"] } }), at("İSTANBUL"))).toBe(0);
    expect(decide(step({ field: { city: ["İstanbul"] } }), at("ISTANBUL"))).toBe(0);
    expect(decide(step({ field: { city: ["ışık"] } }), at("IŞIK"))).toBe(0);
    expect(decide(step({ field: { city: ["ankara", "izmir"] } }), at("İZMİR"))).toBe(0);
    expect(decide(step({ field: { city: ["ankara"] } }), at("İzmir"))).toBe("fallback");
  });

  it("does not match a field the contact lacks, even one named like an Object method", () => {
    expect(decide(step({ field: { segment: ["a"] } }), { contact: ahmet })).toBe("fallback");
    expect(decide(step({ field: { constructor: ["x"] } }), { contact: ahmet })).toBe("fallback");
    expect(decide(step({ field: { segment: ["a"] } }), {})).toBe("fallback");
  });

  it("matches the key pressed, and none when no key was pressed", () => {
    const s = step({ key: ["1", "2"] }, { key: ["none"] });
    expect(decide(s, { call: { ...call, keys: "2" } })).toBe(0);
    expect(decide(s, { call: { ...call, keys: "3" } })).toBe("fallback");
    expect(decide(s, {})).toBe(1);
    expect(decide(step({ key: ["none"] }), { call: { ...call, keys: "1" } })).toBe("fallback");
  });

  it("matches office hours and after hours in the tenant's zone", () => {
    const office = { not: false, windows: [parseWindow("09:00-18:00 mon-fri")] };
    const afterHours = { not: true, windows: office.windows };
    const monday10 = new Date("2024-01-01T07:00:00Z");
    const monday20 = new Date("2024-01-01T17:00:00Z");
    expect(decide(step({ hours: office }), { now: monday10 })).toBe(0);
    expect(decide(step({ hours: office }), { now: monday20 })).toBe("fallback");
    expect(decide(step({ hours: afterHours }), { now: monday20 })).toBe(0);
    expect(decide(step({ hours: afterHours }), { now: monday10 })).toBe("fallback");
    expect(decide(step({ hours: office }), { now: monday10, timezone: "America/New_York" })).toBe("fallback");
  });

  it("matches any of several windows", () => {
    const split = { not: false, windows: [parseWindow("09:00-12:00"), parseWindow("13:00-18:00")] };
    expect(decide(step({ hours: split }), { now: new Date("2024-01-01T11:00:00Z") })).toBe(0); // 14:00
    expect(decide(step({ hours: split }), { now: new Date("2024-01-01T09:30:00Z") })).toBe("fallback"); // 12:30
  });

  describe("when the CRM could not tell", () => {
    it("answers the fallback instead of treating the caller as unknown", () => {
      expect(decide(step({ known: false }, undefined), { lookupFailed: true })).toBe("fallback");
    });

    it("answers a rule that asks for lookupFailed", () => {
      const s = step({ known: false }, { lookupFailed: true, key: ["1"] }, { lookupFailed: true });
      expect(decide(s, { lookupFailed: true })).toBe(2);
      expect(decide(s, { lookupFailed: true, call: { ...call, keys: "1" } })).toBe(1);
    });

    it("does not fire a lookupFailed rule when the lookup worked", () => {
      expect(decide(step({ lookupFailed: true }), {})).toBe("fallback");
      expect(decide(step({ lookupFailed: false }), {})).toBe(0);
    });
  });
});
