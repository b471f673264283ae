import { type Contact, parsePhone } from "@santral-hub/sdk";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CallEvent } from "./call.js";
import { writeCallLine } from "./call-log.js";
import type { Found } from "./lookup/lookup-caller.js";

const NUMBER = "05441234567";

function capture(level = "info") {
  const lines: string[] = [];
  const log = pino({ level, base: { service: "santral-hub" } }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

function found(over: Partial<Found> = {}): Found {
  const contact: Contact = { id: "7", name: "Ayşe Yılmaz", phones: [NUMBER], source: "csv", fields: {} };
  return {
    contact,
    ambiguous: false,
    failed: false,
    candidates: 1,
    returned: [contact],
    dropped: [],
    kept: [contact],
    checks: null,
    resolver: "single",
    choice: null,
    crmMs: 0,
    cache: "hit",
    timings: { lookup: 0, verify: 0, choose: 0 },
    ...over,
  };
}

const call = (over: Partial<CallEvent> = {}): CallEvent => ({
  callId: "1234567.213",
  caller: parsePhone(NUMBER, "TR"),
  callerRaw: NUMBER,
  called: "8503030303",
  pbx: "8503030303",
  vars: { token: "secret" },
  format: "json",
  ...over,
});

const facts = (f: Found) => ({
  tenant: "demo",
  step: "welcome",
  outcome: "known" as const,
  found: f,
  rule: 0,
  decision: { status: "success" as const, result: "extensions", redirect: "101", say: "Sayın A** Y** hoş geldiniz" },
  started: performance.now(),
});

describe("writeCallLine", () => {
  it("writes the line pino would write for the same fields: masked caller, no name, no token", () => {
    const ours = capture();
    writeCallLine(ours.log, call(), facts(found()));
    const line = ours.lines[0] ?? "";
    expect(ours.lines).toHaveLength(1);
    expect(line.endsWith("}\n")).toBe(true);
    const parsed = JSON.parse(line);
    const fields = {
      callId: "1234567.213",
      tenant: "demo",
      step: "welcome",
      format: "json",
      caller: "+90544*****67",
      outcome: "known",
      result: "extensions",
      rule: 0,
      ms: parsed.ms,
      cache: "hit",
      resolver: "single",
    };
    const theirs = capture();
    theirs.log.info(fields, "call");
    const expected = JSON.parse(theirs.lines[0] ?? "");
    expect({ ...parsed, time: 0 }).toEqual({ ...expected, time: 0 });
    expect(Object.keys(parsed)).toEqual(Object.keys(expected));
    expect(line).not.toMatch(/Ayşe|Yılmaz|secret|5441234567/);
  });

  it("says how a lookup that reached the CRM went, and stays one JSON line whatever the call id holds", () => {
    const { log, lines } = capture();
    const failed = found({
      contact: null,
      cache: "miss",
      crmMs: 312.4,
      resolver: null,
      error: { kind: "timeout", message: "x" },
    });
    writeCallLine(log, call({ callId: 'a"b\n{c}', caller: null, callerRaw: "Gizli" }), {
      ...facts(failed),
      outcome: "failed",
      rule: "fallback",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.split("\n")).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      callId: 'a"b\n{c}',
      caller: "",
      outcome: "failed",
      rule: "fallback",
      cache: "miss",
      crmMs: 312,
      crmError: "timeout",
      msg: "call",
    });
  });

  it("writes nothing below the logger's level", () => {
    const { log, lines } = capture("warn");
    writeCallLine(log, call(), facts(found()));
    expect(lines).toEqual([]);
  });
});
