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
