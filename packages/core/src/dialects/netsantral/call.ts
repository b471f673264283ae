import { type Phone, parsePhone } from "@santral-hub/sdk";
import { LRUCache } from "lru-cache";
import type { CallEvent, InboundFormat } from "../../call.js";
import { type Fields, fieldTooLong } from "../../inbound/fields.js";

/**
 * The longest each of Netsantral's own fields can be (README "Errors"). A longer phone number, key or call id
 * is never a real one, and would otherwise key the caches; every other field (a static variable, the token)
 * was held to `INBOUND_LIMITS.value` when the request was read.
 */
export const NETSANTRAL_LIMITS = {
  /** `arayan_no`, `aranan_no`, `santral_no`. */
  phone: 32,
  /** `tus_bilgisi`: the key(s) pressed or the customer number typed. */
  keys: 32,
  /** `arama_id`. */
  callId: 128,
} as const;

/** The fields Netsantral sends for every call, with the longest each may be; the rest are static variables. */
const KNOWN: ReadonlyMap<string, number> = new Map([
  ["arayan_no", NETSANTRAL_LIMITS.phone],
  ["aranan_no", NETSANTRAL_LIMITS.phone],
  ["santral_no", NETSANTRAL_LIMITS.phone],
  ["arama_id", NETSANTRAL_LIMITS.callId],
  ["tus_bilgisi", NETSANTRAL_LIMITS.keys],
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
 * field can be is malformed (400 `field_too_long`). `tus_bilgisi` of `-1` or empty means no key was pressed.
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
