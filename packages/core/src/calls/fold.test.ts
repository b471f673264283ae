import { describe, expect, it } from "vitest";
import { CALLER, callEvent, T0 } from "./fixture.js";
import { callStart, foldEvents } from "./fold.js";

describe("foldEvents", () => {
  it("gives the same facts whatever order the events were delivered in", () => {
    const events = [
      callEvent("ringing", { ids: ["1.1"], at: T0, extension: "101", caller: CALLER, direction: "inbound" }),
      callEvent("queued", { ids: ["1.1"], at: T0 + 1_000, queue: "Destek" }),
      callEvent("keys", { ids: ["1.1"], at: T0 + 2_000, digits: "1" }),
      callEvent("answered", { ids: ["1.1"], at: T0 + 9_000, extension: "102", waitSec: 7 }),
      callEvent("ended", { ids: ["sip8-1.1"], at: T0 + 60_000, durationSec: 51, disposition: "answered" }),
    ];
    const expected = {
      state: "ended",
      direction: "inbound",
      agent: { extension: "102", queue: "Destek" },
      ended: { durationSec: 51, waitSec: 7, disposition: "answered" },
      digits: ["1"],
      pbxIds: ["1.1", "sip8-1.1"],
    };
    expect(foldEvents(events)).toMatchObject(expected);
    expect(foldEvents([...events].reverse())).toMatchObject(expected);
    expect(foldEvents(events).caller?.e164).toBe(CALLER);
  });

  it("keeps an ended call ended and its answering agent when a ring comes later, even stamped later", () => {
    // a ring without a timestamp of its own is stamped when it arrived: after the end
    const events = [
      callEvent("answered", { at: T0 + 9_000, extension: "102" }),
      callEvent("ended", { at: T0 + 60_000, durationSec: 51 }),
      callEvent("ringing", { at: T0 + 70_000, extension: "101" }),
    ];
    expect(foldEvents(events)).toMatchObject({ state: "ended", agent: { extension: "102" } });
  });

  it("makes a call rung at three agents one answered call, however its missed legs fall around the answer", () => {
    const legs = [
      callEvent("ended", { at: T0 + 20_000, extension: "102", disposition: "missed", durationSec: 0, ids: ["l2"] }),
      callEvent("ended", { at: T0 + 80_000, extension: "101", disposition: "answered", durationSec: 55 }),
      callEvent("ended", { at: T0 + 90_000, extension: "103", disposition: "missed", durationSec: 0, ids: ["l3"] }),
    ];
    for (const order of [legs, [...legs].reverse()]) {
      const facts = foldEvents(order);
      expect(facts).toMatchObject({ state: "ended", agent: { extension: "101" } });
      expect(facts.ended).toMatchObject({ disposition: "answered", durationSec: 55 });
      expect(facts.pbxIds).toEqual(expect.arrayContaining(["l2", "l3"]));
    }
    const nobody = foldEvents([legs[0], legs[2]].map((l) => l as (typeof legs)[number]));
    expect(nobody.ended).toMatchObject({ disposition: "missed" });
  });

  it("has no end before the call ended, and no state for events that move nothing", () => {
    const answered = foldEvents([callEvent("answered", { waitSec: 4 })]);
    expect(answered.state).toBe("answered");
    expect(answered.ended).toBeUndefined();
    expect(foldEvents([callEvent("keys", { digits: "5" })]).state).toBeUndefined();
  });
});

describe("callStart", () => {
  it("is the CDR's start, else the event's time less the seconds talked and waited", () => {
    expect(callStart(callEvent("ended", { at: T0 + 100_000, startedAt: T0 }))).toBe(T0);
    expect(callStart(callEvent("ended", { at: T0 + 100_000, durationSec: 60, waitSec: 30 }))).toBe(T0 + 10_000);
    expect(callStart(callEvent("ringing", { at: T0 }))).toBe(T0);
  });
});
