import type { Phone } from "@santral-hub/sdk";

/** The Netsantral inbound formats, as the panel names them. */
export type InboundFormat = "get" | "form" | "json" | "xml";

/** One request from the PBX, in the terms of stages 2–6: nothing Netsantral-specific below this. */
export interface CallEvent {
  /** `arama_id`, for correlating logs; may be empty. */
  callId: string;
  /** The caller, or null when empty, withheld or unparseable. */
  caller: Phone | null;
  /** The caller's number exactly as it arrived (never logged in plain text). */
  callerRaw: string;
  /** `aranan_no`: the tenant's DID that was called. */
  called: string;
  /** `santral_no`: the PBX's number. */
  pbx: string;
  /** `tus_bilgisi`: the key(s) pressed or the number typed; undefined when none (`-1` or empty). */
  keys?: string;
  /** Every other field: the panel's static variables (the token among them). */
  vars: Record<string, string>;
  format: InboundFormat;
}

/**
 * How much a call may carry. A Netsantral call has about a dozen fields (five of its own, the panel's static
 * variables, the token): a request with more, or with a value longer than its field can be, is malformed and
 * refused with a 400. The count, names and `value` are checked as the request is read, before its token;
 * the call's own fields when it becomes a `CallEvent`. They bound what keys the caches and what each call
 * costs; a longer customer number or phone number is never a real one.
 */
export const CALL_LIMITS = {
  /** Fields in one request, the query's and the body's together (repeats of a name count each). */
  fields: 64,
  /** Characters in a field's name. */
  name: 64,
  /** Characters in a phone number: `arayan_no`, `aranan_no`, `santral_no`. */
  phone: 32,
  /** Characters in `tus_bilgisi`: the key(s) pressed or the customer number typed. */
  keys: 32,
  /** Characters in `arama_id`. */
  callId: 128,
  /** Characters in any other field (a static variable of the panel, the token). */
  value: 1024,
} as const;

/** What a step decides: the reply before the dialect writes it. `say` is already rendered speech. */
export interface Decision {
  status: "success" | "error";
  result: string;
  redirect?: string;
  say?: string;
}

/** The dynamic routing targets of NETSANTRAL.md; every one but `hangup` needs a `redirect`. */
export const ROUTING_TARGETS = [
  "dynamic",
  "dial",
  "announcement",
  "menu",
  "timecondition",
  "sms",
  "queue",
  "extensions",
  "voicemail",
  "hangup",
  "interactivemenu",
] as const;
