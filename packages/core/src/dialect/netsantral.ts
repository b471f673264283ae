import { type Phone, parsePhone } from "@santral-hub/sdk";
import { LRUCache } from "lru-cache";
import { CALL_LIMITS, type CallEvent, type Decision, type InboundFormat } from "../call.js";
import { type Fields, fieldTooLong } from "../inbound/fields.js";

/** The fields Netsantral sends for every call, with the longest each may be; the rest are static variables. */
const KNOWN: ReadonlyMap<string, number> = new Map([
  ["arayan_no", CALL_LIMITS.phone],
  ["aranan_no", CALL_LIMITS.phone],
  ["santral_no", CALL_LIMITS.phone],
  ["arama_id", CALL_LIMITS.callId],
  ["tus_bilgisi", CALL_LIMITS.keys],
]);

// Callers call again: parsing a number with libphonenumber costs ~15 µs, a map read nothing. The Phone
// objects are shared between calls, so nothing downstream may change them.
const parsed = new Map<string, LRUCache<string, { phone: Phone | null }>>(); // by region, then number

function callerPhone(raw: string, region: string): Phone | null {
  let numbers = parsed.get(region);
  if (!numbers) {
    numbers = new LRUCache({ max: 10_000 });
    parsed.set(region, numbers);
  }
  let hit = numbers.get(raw);
  if (!hit) {
    hit = { phone: parsePhone(raw, region) };
    numbers.set(raw, hit);
  }
  return hit.phone;
}

/**
 * Stage 3: a Netsantral request's fields as a `CallEvent`. A phone number, key or call id longer than such a
 * field can be is malformed (400 `field_too_long`): it would otherwise key the caches. (Every other field was
 * held to `CALL_LIMITS.value` when the request was read.)
 */
export function parseCall(fields: Fields, format: InboundFormat, region: string): CallEvent {
  const vars: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    const value = fields[name] as string;
    const limit = KNOWN.get(name);
    if (limit === undefined) vars[name] = value;
    else if (value.length > limit) throw fieldTooLong(name, value.length, limit);
  }
  const callerRaw = fields.arayan_no ?? "";
  const keys = (fields.tus_bilgisi ?? "").trim();
  const call: CallEvent = {
    callId: fields.arama_id ?? "",
    caller: callerPhone(callerRaw, region),
    callerRaw,
    called: fields.aranan_no ?? "",
    pbx: fields.santral_no ?? "",
    vars,
    format,
  };
  if (keys !== "" && keys !== "-1") call.keys = keys;
  return call;
}

/** The JSON the PBX reads back, every value a string; `data` only when there is something to say. */
export interface NetsantralReply {
  status: "success" | "error";
  result?: string;
  redirect?: string;
  data?: string;
}

// Replies rendered once per contact are shared (frozen) decisions: their JSON text is kept beside them.
const json = new WeakMap<Decision, string>();

/** Stage 7: a decision as the JSON text of Netsantral's reply. */
export function replyJson(decision: Decision): string {
  const known = json.get(decision);
  if (known !== undefined) return known;
  const text = JSON.stringify(writeReply(decision));
  if (Object.isFrozen(decision)) json.set(decision, text);
  return text;
}

/** A decision as Netsantral's reply. */
export function writeReply(decision: Decision): NetsantralReply {
  const reply: NetsantralReply = { status: decision.status, result: decision.result };
  if (decision.redirect) reply.redirect = decision.redirect;
  if (decision.say) reply.data = decision.say;
  return reply;
}
