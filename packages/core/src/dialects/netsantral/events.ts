import { createHash } from "node:crypto";
import { parsePhone } from "@santral-hub/sdk";
import type { CallEventKind, PbxCallEvent } from "../../calls/types.js";
import { RequestError } from "../../errors/request-error.js";
import type { EventReading } from "../dialect.js";

/**
 * Netsantral's event webhook ("Webhook Santral Dinleme", NETSANTRAL.md "Call events") as `PbxCallEvent`s.
 * A JSON body carries numbers where Netgsm's examples have them (`kimlik`, `sure`); a form carries only
 * strings: both read the same. Field names are matched ignoring case (`Digit` in the field table, `digit`
 * in the example).
 */

/** How a known field must look: text (a string or a number), a whole number, or milliseconds since 1970. */
type FieldKind = "text" | "count" | "ms";

// name (lower case) → kind and the longest value it may have; the limits bound what keys the call indexes
const FIELDS = new Map<string, [FieldKind, number]>([
  ["scenario", ["text", 64]],
  ["unique_id", ["text", 128]],
  ["pbx_num", ["text", 64]],
  ["internal_num", ["text", 64]],
  ["customer_num", ["text", 64]],
  ["incoming_number", ["text", 64]],
  ["context", ["text", 256]],
  ["context_name", ["text", 256]],
  ["type", ["text", 64]],
  ["digit", ["text", 64]],
  ["queue_name", ["text", 256]],
  ["talktime", ["count", 16]],
  ["holdtime", ["count", 16]],
  ["timestamp", ["ms", 16]],
  // the call record (`cdr`)
  ["bas", ["text", 32]],
  ["kimlik", ["text", 128]],
  ["ortakkimlik", ["text", 128]],
  ["clid", ["text", 256]],
  ["arayan", ["text", 64]],
  ["aranan", ["text", 256]],
  ["sure", ["count", 16]],
  ["sondurum", ["count", 16]],
  ["santral", ["text", 64]],
  ["yon", ["count", 16]],
  ["seskaydi", ["text", 2048]],
  ["asteriskid", ["text", 128]],
  ["trunk", ["text", 64]],
]);

/** The scenarios Netgsm documents, by their name in lower case, and what each one is. */
const SCENARIOS = new Map<string, [string, CallEventKind]>([
  ["inbound_call", ["Inbound_call", "ringing"]],
  ["outbound_call", ["Outbound_call", "ringing"]],
  ["answer", ["Answer", "answered"]],
  ["hangup", ["Hangup", "ended"]],
  ["dtmf", ["DTMF", "keys"]],
  ["context", ["Context", "other"]],
  ["queue", ["Queue", "queued"]],
  ["cdr", ["cdr", "ended"]],
]);

/** Netgsm's CDR direction codes (`yon`). */
const YON: Record<number, Pick<PbxCallEvent, "direction" | "disposition">> = {
  0: { direction: "outbound", disposition: "answered" },
  1: { direction: "inbound", disposition: "answered" },
  2: { direction: "inbound", disposition: "missed" },
  3: { direction: "outbound", disposition: "missed" },
  4: { direction: "internal", disposition: "answered" },
  5: { direction: "internal", disposition: "missed" },
};

/**
 * A body that is not an event: a `RequestError` (400, exposed), so the server answers it as any refused
 * request; `message` names the field and what it must be, never its value.
 */
export class EventBodyError extends RequestError {
  constructor(
    code: "bad_json" | "bad_field" | "field_too_long",
    message: string,
    /** The field at fault, when one is. */
    readonly field?: string,
  ) {
    super(code, 400, message);
  }
}

export interface EventReadOptions {
  /** The zone of the CDR's local `bas`; default Europe/Istanbul, where Netsantral runs. */
  timeZone?: string;
}

/** A webhook body as the call's events. Throws an `EventBodyError` for a malformed body. */
export function readEvents(
  body: Record<string, unknown>,
  region: string,
  arrivedAt: number,
  options?: EventReadOptions,
): PbxCallEvent[] {
  return readEventBody(body, region, arrivedAt, options).events;
}

/** `readEvents`, with what the body held that Netgsm does not document. */
export function readEventBody(
  body: unknown,
  region: string,
  arrivedAt: number,
  options: EventReadOptions = {},
): EventReading {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const what = Array.isArray(body) ? "an array" : body === null ? "null" : `a ${typeof body}`;
    throw new EventBodyError("bad_json", `the event body must be an object of fields (JSON or a form), not ${what}`);
  }
  const f = new Map<string, string>(); // known fields, lower-case name → value as text
  const unknownFields: string[] = [];
  const digest = createHash("sha256");
  for (const name of Object.keys(body).sort()) {
    const raw = (body as Record<string, unknown>)[name];
    const spec = FIELDS.get(name.toLowerCase());
    digest.update(`${name}\u0000${typeof raw === "object" ? JSON.stringify(raw) : String(raw)}\u0000`);
    if (!spec) {
      if (unknownFields.length < 32) unknownFields.push(name.slice(0, 64));
      continue;
    }
    const text = fieldText(name, Array.isArray(raw) ? raw[raw.length - 1] : raw, spec);
    if (text !== undefined) f.set(name.toLowerCase(), text);
  }

  const scenarioText = f.get("scenario") ?? "";
  const known = SCENARIOS.get(scenarioText.toLowerCase());
  const event: PbxCallEvent = {
    kind: known?.[1] ?? "other",
    scenario: known?.[0] ?? (/^[A-Za-z][\w.-]{0,39}$/.test(scenarioText) ? scenarioText : "?"),
    ids: [],
    at: timestamp(f.get("timestamp")) ?? arrivedAt,
    // the same event delivered twice, as JSON or as a form, has the same key
    key: digest.digest("hex").slice(0, 32),
  };
  const reading: EventReading = { events: [event], unknownFields };
  if (!known) reading.unknownScenario = event.scenario;

  const phone = (name: string) => {
    const raw = f.get(name);
    return raw === undefined ? undefined : parsePhone(raw, region);
  };
  const number = (name: string) => {
    const raw = f.get(name)?.trim();
    return raw ? (parsePhone(raw, region)?.e164 ?? raw) : undefined;
  };
  const set = <K extends keyof PbxCallEvent>(key: K, value: PbxCallEvent[K] | undefined) => {
    if (value !== undefined && value !== "") event[key] = value;
  };

  if (event.scenario === "cdr") readCdr(event, f, region, options.timeZone ?? "Europe/Istanbul");
  event.ids = [...new Set([f.get("unique_id"), ...event.ids].map((id) => id?.trim()).filter((id) => !!id))] as string[];
  if (event.caller === undefined && f.has("customer_num")) event.caller = phone("customer_num") ?? null;
  set("called", number("incoming_number") ?? number("santral") ?? tenantNumber(f.get("pbx_num"), region));
  set("extension", event.extension ?? f.get("internal_num")?.trim());
  set("queue", queueName(f.get("queue_name")) ?? event.queue);
  if (event.scenario === "Inbound_call") event.direction = "inbound";
  if (event.scenario === "Outbound_call") event.direction = "outbound";
  if (event.kind === "keys") set("digits", f.get("digit")?.trim());
  set("context", (event.kind === "keys" ? f.get("context") : f.get("context_name"))?.trim());
  set("waitSec", count(f.get("holdtime")));
  if (event.scenario === "Hangup") {
    const talked = count(f.get("talktime"));
    set("durationSec", talked);
    if (talked !== undefined) event.disposition = talked > 0 ? "answered" : "missed";
  }
  return reading;
}

/** The call record: its ids, the outside party by direction, the queue or extension it was for, the recording. */
function readCdr(event: PbxCallEvent, f: Map<string, string>, region: string, timeZone: string): void {
  const yon = count(f.get("yon"));
  Object.assign(event, yon === undefined ? {} : YON[yon]);
  const asterisk = f.get("asteriskid")?.trim();
  // `sip8-1611752738.106785`: past the PBX node's prefix it has `unique_id`'s shape (start in Unix seconds,
  // a sequence), so it is likely the id the call's other events carry: both forms are kept
  const bare = asterisk?.replace(/^[a-z]+\d*-(?=\d+\.\d+$)/i, "");
  event.ids = [asterisk, bare, f.get("kimlik"), f.get("ortakkimlik")].filter((id): id is string => !!id);
  const outbound = event.direction === "outbound";
  const party = f.get(outbound ? "aranan" : "arayan");
  if (party !== undefined) event.caller = parsePhone(party, region);
  const ours = (outbound ? f.get("arayan") : f.get("aranan"))?.trim() ?? "";
  if (/^\d{2,6}$/.test(ours)) event.extension = ours;
  const queue = queueName(ours);
  if (queue && ours.includes("-queue-")) event.queue = queue;
  const sure = count(f.get("sure"));
  if (sure !== undefined) event.durationSec = sure;
  const url = f.get("seskaydi")?.trim();
  if (url && /^https?:\/\//i.test(url) && URL.canParse(url)) event.recordingUrl = url;
  const bas = f.get("bas")?.trim();
  if (bas) event.startedAt = localTime(bas, timeZone);
}

/** A known field's value as text; absent when empty or null. Refuses an object or a number written wrong. */
function fieldText(name: string, raw: unknown, [kind, max]: [FieldKind, number]): string | undefined {
  if (raw === null || raw === undefined || raw === "") return undefined;
  let text: string;
  if (typeof raw === "string") text = raw;
  else if (typeof raw === "number" && Number.isFinite(raw)) text = String(raw);
  else {
    const what = typeof raw === "object" ? (Array.isArray(raw) ? "a list" : "an object") : `a ${typeof raw}`;
    throw new EventBodyError("bad_field", `field "${name}" must be ${KIND_WORDS[kind]}, not ${what}`, name);
  }
  if (text.length > max) {
    throw new EventBodyError(
      "field_too_long",
      `field "${name}" is ${text.length} characters long; it may have at most ${max}`,
      name,
    );
  }
  if (kind !== "text" && !/^\s*\d+(\.0+)?\s*$/.test(text)) {
    throw new EventBodyError("bad_field", `field "${name}" must be ${KIND_WORDS[kind]}, in digits`, name);
  }
  return text;
}

const KIND_WORDS: Record<FieldKind, string> = {
  text: "text or a number",
  count: "a whole number",
  ms: "milliseconds since 1970",
};

function count(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Math.trunc(Number(text));
}

/** Milliseconds since 1970; a value in seconds (before the year 5138 in ms) is read as seconds. */
function timestamp(text: string | undefined): number | undefined {
  const n = count(text);
  return n === undefined ? undefined : n < 1e11 ? n * 1000 : n;
}

/** `850XXXXXXX-queue-Destek` → `Destek`; a name without the prefix is the queue's own name. */
function queueName(text: string | undefined): string | undefined {
  const name = text?.trim();
  return name ? (/-queue-(.+)$/.exec(name)?.[1] ?? name) : undefined;
}

/** `pbx_num` when it is the tenant's number (the field also holds `101` in an example), normalised. */
function tenantNumber(text: string | undefined, region: string): string | undefined {
  const raw = text?.trim() ?? "";
  return raw.replace(/\D/g, "").length >= 7 ? (parsePhone(raw, region)?.e164 ?? raw) : undefined;
}

const zones = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` on the clocks of `timeZone`, as ms since 1970. */
function localTime(text: string, timeZone: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)$/.exec(text);
  const [y, mo, d, h, mi, s] = (m?.slice(1) ?? []).map(Number) as number[];
  const wall = m ? Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) : Number.NaN;
  if (!m || new Date(wall).getUTCDate() !== d || (h as number) > 23 || (mi as number) > 59 || (s as number) > 59) {
    throw new EventBodyError("bad_field", 'field "bas" must be a local time written YYYY-MM-DD HH:mm:ss', "bas");
  }
  // the zone's offset at a first guess, then again at the result, which differs only across a DST change
  const first = wall - offset(wall, timeZone);
  return wall - offset(first, timeZone);
}

function offset(at: number, timeZone: string): number {
  let format = zones.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      ...{ year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" },
    });
    zones.set(timeZone, format);
  }
  const p: Partial<Record<string, number>> = {};
  for (const part of format.formatToParts(at)) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The names among `names` not seen before, remembering at most `max` of them: so a server logs each unknown
 * field name once per process.
 */
export function firstSeen(names: readonly string[], seen: Set<string>, max = 1000): string[] {
  const fresh = names.filter((name) => !seen.has(name));
  for (const name of fresh) if (seen.size < max) seen.add(name);
  return fresh;
}
