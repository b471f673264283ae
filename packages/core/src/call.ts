import type { Phone } from "@santral-hub/sdk";

/** How a routing request was sent: a GET query, or a form, JSON or XML body. */
export type InboundFormat = "get" | "form" | "json" | "xml";

/**
 * One routing request, in the hub's own words: a PBX's dialect reads its fields into this, and stages 2–6
 * know nothing else of the PBX. (Netsantral's names are given as examples.)
 */
export interface CallEvent {
  /** The PBX's id of the call (`arama_id`), for correlating logs; may be empty. */
  callId: string;
  /** The caller, or null when empty, withheld or unparseable. */
  caller: Phone | null;
  /** The caller's number exactly as it arrived (never logged in plain text). */
  callerRaw: string;
  /** The tenant's number that was called (`aranan_no`). */
  called: string;
  /** The PBX's own number (`santral_no`). */
  pbx: string;
  /** The key(s) pressed or the number typed (`tus_bilgisi`); undefined when none. */
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
