import { describe, expect, it } from "vitest";
import { EventBodyError, firstSeen, readEventBody, readEvents } from "./events.js";

const ARRIVED = 1_700_000_000_000;

// NETSANTRAL.md "Call events", verbatim (numbers masked by Netgsm).
const EXAMPLES = {
  outbound: `{"pbx_num":"850304XXXX","unique_id":"1428481945.3543","internal_num":"101","scenario":"Outbound_call","customer_num":"05XXXXXXXXX","timestamp":"1652080580926"}`,
  inbound: `{"pbx_num":"101","unique_id":"1428481992.3556","scenario":"Inbound_call","customer_num":"90312911XXXX","timestamp":"1652080580926"}`,
  dtmf: `{"Context":"XX.XX","pbx_num":"212XXXXXXX","unique_id":"XXX.XXX","scenario":"DTMF","digit":"0","timestamp":"1652080580926"}`,
  context: `{"pbx_num":"212XXXXXXX","customer_num":"05XXXXXXXXX","unique_id":"XXX.XXX","context_name":"XXX-212XXXXXXX","type":"ivr","scenario":"Context","timestamp":"1652080580926"}`,
  queue: `{"queue_name":"850XXXXXXX-queue-Destek","pbx_num":"850XXXXXXX","unique_id":"","scenario":"Queue","timestamp":"1652080580926"}`,
  cdr: `{"bas":"2021-01-27 16:05:38","kimlik":18664xxxxx,"ortakkimlik":18664xxxxx,"clid":"\\"NECLA 561523\\" <05xxxxxxxxx>","arayan":"05xxxxxxxxx","aranan":"85030xxxxx-queue-MusteriHizmetleri","sure":164,"sondurum":3,"santral":"85030xxxxx","yon":1,"seskaydi":"https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=xxxx","asteriskId":"sip8-1611752738.106785","trunk":"312xxxxxxx","scenario":"cdr","timestamp":"1652080580926"}`,
};

/** Netgsm masked the CDR's unquoted ids too (`18664xxxxx`), which no JSON parser reads: digits stand in. */
function parse(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/:(\d+)x+([,}])/g, (_m, d: string, end: string) => `:${d.padEnd(10, "0")}${end}`));
}

function one(body: unknown, options?: { timeZone?: string }) {
  const reading = readEventBody(body, "TR", ARRIVED, options);
  expect(reading.events).toHaveLength(1);
  return { event: reading.events[0], reading };
}

describe("readEvents on Netgsm's examples", () => {
  it("reads Outbound_call as ringing outbound, for the extension that placed it", () => {
    const { event, reading } = one(parse(EXAMPLES.outbound));
    expect(event).toMatchObject({
      kind: "ringing",
      scenario: "Outbound_call",
      direction: "outbound",
      ids: ["1428481945.3543"],
      extension: "101",
      caller: null, // masked: no number to read
      at: 1652080580926,
    });
    expect(reading.unknownFields).toEqual([]);
    expect(reading.unknownScenario).toBeUndefined();
  });

  it("reads Inbound_call as ringing inbound, without taking pbx_num 101 for the tenant's number", () => {
    const { event } = one(parse(EXAMPLES.inbound));
    expect(event).toMatchObject({ kind: "ringing", direction: "inbound", ids: ["1428481992.3556"], caller: null });
    expect(event?.called).toBeUndefined();
  });

  it("reads DTMF as keys with its digit and IVR context", () => {
    const { event } = one(parse(EXAMPLES.dtmf));
    expect(event).toMatchObject({ kind: "keys", scenario: "DTMF", digits: "0", context: "XX.XX", ids: ["XXX.XXX"] });
  });

  it("reads Context as other, with the context the call fell into", () => {
    const { event } = one(parse(EXAMPLES.context));
    expect(event).toMatchObject({ kind: "other", scenario: "Context", context: "XXX-212XXXXXXX" });
  });

  it("reads Queue as queued, the queue named without its number prefix, and an empty id as none", () => {
    const { event } = one(parse(EXAMPLES.queue));
    expect(event).toMatchObject({ kind: "queued", scenario: "Queue", queue: "Destek", ids: [] });
  });

  it("reads cdr as ended: duration, direction and disposition from yon, recording, start time in Istanbul", () => {
    const { event, reading } = one(parse(EXAMPLES.cdr));
    expect(event).toMatchObject({
      kind: "ended",
      scenario: "cdr",
      direction: "inbound",
      disposition: "answered",
      durationSec: 164,
      queue: "MusteriHizmetleri",
      recordingUrl: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=xxxx",
      ids: ["sip8-1611752738.106785", "1611752738.106785", "1866400000"],
      startedAt: Date.UTC(2021, 0, 27, 13, 5, 38), // 16:05:38 at UTC+3
      at: 1652080580926,
    });
    expect(reading.unknownFields).toEqual([]);
  });
});

describe("readEvents on the scenarios the field table names and on real numbers", () => {
  it("parses the outside number into E.164 in every Turkish form, and the called number too", () => {
    for (const raw of ["05441000000", "5441000000", "905441000000", " 90 544 100 00 00"]) {
      const [event] = readEvents(
        { scenario: "Inbound_call", unique_id: "1.2", customer_num: raw, incoming_number: "08503030303" },
        "TR",
        ARRIVED,
      );
      expect(event?.caller?.e164).toBe("+905441000000");
      expect(event?.called).toBe("+908503030303");
    }
  });

  it("reads Answer as answered with the extension and the queue wait, Hangup as ended with the talk time", () => {
    const answer = one({ scenario: "Answer", unique_id: "9.1", internal_num: "102", holdtime: "12" }).event;
    expect(answer).toMatchObject({ kind: "answered", extension: "102", waitSec: 12 });
    const hangup = one({ scenario: "Hangup", unique_id: "9.1", talktime: "95", holdtime: "12" }).event;
    expect(hangup).toMatchObject({ kind: "ended", durationSec: 95, waitSec: 12, disposition: "answered" });
    expect(one({ scenario: "Hangup", unique_id: "9.1", talktime: "0" }).event?.disposition).toBe("missed");
  });

  it("maps every CDR direction code of Netgsm", () => {
    const expected = [
      ["outbound", "answered"],
      ["inbound", "answered"],
      ["inbound", "missed"],
      ["outbound", "missed"],
      ["internal", "answered"],
      ["internal", "missed"],
    ];
    for (const [yon, [direction, disposition]] of expected.entries()) {
      const { event } = one({ scenario: "cdr", yon, arayan: "05441000000", aranan: "02129998877" });
      expect(event).toMatchObject({ direction, disposition });
      // the outside party is the one called on an outbound call
      expect(event?.caller?.e164).toBe(direction === "outbound" ? "+902129998877" : "+905441000000");
    }
  });

  it("reads a form (every value a string) as the same event as JSON, with the same duplicate key", () => {
    const json = parse(EXAMPLES.cdr);
    const form = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
    expect(one(form).event).toEqual(one(json).event);
  });

  it("gives the same key to the same delivery and another to a different event", () => {
    const a = one(parse(EXAMPLES.dtmf)).event?.key;
    expect(one(parse(EXAMPLES.dtmf)).event?.key).toBe(a);
    expect(one({ ...parse(EXAMPLES.dtmf), digit: "1" }).event?.key).not.toBe(a);
  });

  it("reads bas in the zone it is given, across a summer time change", () => {
    const body = { scenario: "cdr", bas: "2024-07-01 12:00:00" };
    expect(one(body, { timeZone: "UTC" }).event?.startedAt).toBe(Date.UTC(2024, 6, 1, 12));
    expect(one(body, { timeZone: "Europe/Berlin" }).event?.startedAt).toBe(Date.UTC(2024, 6, 1, 10));
    const winter = { scenario: "cdr", bas: "2024-01-15 12:00:00" };
    expect(one(winter, { timeZone: "Europe/Berlin" }).event?.startedAt).toBe(Date.UTC(2024, 0, 15, 11));
  });

  it("takes the arrival time without a timestamp, and seconds for a timestamp in seconds", () => {
    expect(one({ scenario: "Queue", queue_name: "satis" }).event?.at).toBe(ARRIVED);
    expect(one({ scenario: "Queue", timestamp: 1652080580 }).event?.at).toBe(1652080580000);
  });

  it("keeps no recording link that is not http(s)", () => {
    expect(one({ scenario: "cdr", seskaydi: "javascript:alert(1)" }).event?.recordingUrl).toBeUndefined();
  });
});

describe("readEvents on what Netgsm does not document", () => {
  it("returns an unknown scenario as other, and lists unknown field names but never their values", () => {
    const { event, reading } = one({ scenario: "Transfer", unique_id: "5.5", agent_phone: "05441000000", Extra: 7 });
    expect(event).toMatchObject({ kind: "other", scenario: "Transfer", ids: ["5.5"] });
    expect(reading.unknownScenario).toBe("Transfer");
    expect(reading.unknownFields.sort()).toEqual(["Extra", "agent_phone"]);
    expect(JSON.stringify(reading.unknownFields)).not.toContain("05441000000");
  });

  it("does not pass on a scenario name that is not a plain word", () => {
    const { event, reading } = one({ scenario: "05441000000 <script>" });
    expect(event?.kind).toBe("other");
    expect(reading.unknownScenario).toBe("?");
  });

  it("accepts an unknown field holding an object, and a body without scenario", () => {
    expect(one({ unique_id: "1.1", nested: { a: 1 } }).event).toMatchObject({ kind: "other", ids: ["1.1"] });
  });

  it("firstSeen gives each name once", () => {
    const seen = new Set<string>();
    expect(firstSeen(["a", "b"], seen)).toEqual(["a", "b"]);
    expect(firstSeen(["b", "c"], seen)).toEqual(["c"]);
  });
});

describe("readEvents on a malformed body", () => {
  function refusal(body: unknown): EventBodyError {
    try {
      readEventBody(body, "TR", ARRIVED);
    } catch (error) {
      expect(error).toBeInstanceOf(EventBodyError);
      return error as EventBodyError;
    }
    throw new Error("the body was accepted");
  }

  it("refuses a body that is not an object of fields", () => {
    for (const body of [[], "text", null, 5]) {
      const error = refusal(body);
      expect(error).toMatchObject({ status: 400, code: "bad_json" });
      expect(error.message).toMatch(/must be an object of fields/);
    }
  });

  it("refuses a known field of the wrong type, naming the field, never quoting the value", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ scenario: "cdr", sure: { s: "0544SECRET" } }, "sure", /"sure" must be a whole number, not an object/],
      [{ scenario: "cdr", sure: "12 0544SECRET" }, "sure", /"sure" must be a whole number, in digits/],
      [{ scenario: "cdr", kimlik: true }, "kimlik", /"kimlik" must be text or a number, not a boolean/],
      [{ scenario: "Queue", timestamp: "0544SECRET" }, "timestamp", /milliseconds since 1970/],
      [{ scenario: "cdr", bas: "27.01.2021 0544SECRET" }, "bas", /YYYY-MM-DD HH:mm:ss/],
      [{ scenario: "cdr", bas: "2021-02-30 10:00:00" }, "bas", /YYYY-MM-DD HH:mm:ss/],
    ];
    for (const [body, field, message] of cases) {
      const error = refusal(body);
      expect(error).toMatchObject({ code: "bad_field", field });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain("SECRET");
    }
  });

  it("refuses a known field longer than it can be", () => {
    const error = refusal({ scenario: "Inbound_call", unique_id: "9".repeat(129) });
    expect(error).toMatchObject({ code: "field_too_long", field: "unique_id" });
    expect(error.message).toBe('field "unique_id" is 129 characters long; it may have at most 128');
  });
});
