import type { Decision } from "../../call.js";
import type { WireReply } from "../dialect.js";

/** The JSON the PBX reads back, every value a string; `data` only when there is something to say. */
export type NetsantralReply = {
  status: "success" | "error";
  result?: string;
  redirect?: string;
  data?: string;
  /** On an error: what to change, when it may be shown. */
  message?: string;
};

const JSON_TYPE = "application/json; charset=utf-8";

/** Stage 7: a decision as the JSON text of Netsantral's reply. */
export function reply(decision: Decision): WireReply {
  return { type: JSON_TYPE, body: JSON.stringify(writeReply(decision)) };
}

/** A decision as Netsantral's reply. */
export function writeReply(decision: Decision): NetsantralReply {
  const out: NetsantralReply = { status: decision.status, result: decision.result };
  if (decision.redirect) out.redirect = decision.redirect;
  if (decision.say) out.data = decision.say;
  return out;
}

/** A refused request: `{"status":"error"}`, with what to change when that may be shown. */
export function refusal(message: string | undefined): WireReply {
  const body: NetsantralReply = message === undefined ? { status: "error" } : { status: "error", message };
  return { type: JSON_TYPE, body: JSON.stringify(body) };
}
