import { ownField } from "../../inbound/fields.js";
import type { Dialect } from "../dialect.js";
import { parseCall } from "./call.js";
import { readEventBody } from "./events.js";
import { refusal, reply, writeReply } from "./reply.js";
import { exampleEvents } from "./simulate.js";
import { TARGETS } from "./targets.js";

/**
 * Netsantral's Custom Integration (NETSANTRAL.md): `arayan_no`, `aranan_no`, `santral_no`, `arama_id`,
 * `tus_bilgisi` and the panel's static variables in; `{status, result, redirect, data}` out; the token is
 * a static variable. Its event webhook is "Webhook Santral Dinleme".
 */
export const netsantral: Dialect = {
  name: "netsantral",
  targets: TARGETS,
  terms: { called: "aranan_no", token: (field) => `static variable "${field}"` },
  calledNumber: (fields) => fields.aranan_no,
  token: ownField,
  readCall: parseCall,
  reply,
  writeReply,
  refusal,
  readEvents: readEventBody,
  exampleEvents,
};
