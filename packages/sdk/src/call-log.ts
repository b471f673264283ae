import type { Phone } from "./phone.js";

/**
 * One call, as core asks a plugin to write it into the CRM's history once it has ended. Core sends each
 * call once it knows how it ended (the PBX's call record), and again if a try failed: `logCall` must write
 * it at most once, finding the record an earlier try wrote (by `id`).
 */
export interface CallLog {
  /** The hub's id of the call: unique per call and stable across tries; the idempotency key to store. */
  id: string;
  /** The PBX's ids of the call (`arama_id`, `unique_id`, ...), for a description. */
  pbxIds: string[];
  direction: "inbound" | "outbound" | "internal";
  /** The outside party; null when the number was withheld. */
  caller: Phone | null;
  /** The tenant's number the call came in on (or went out from), as the PBX gave it. */
  called?: string;
  /** When the call began, ISO 8601 in UTC. */
  startedAt: string;
  /** Seconds talked; 0 for a missed call. */
  durationSec: number;
  /** Seconds the caller waited in a queue, where the PBX says. */
  waitSec?: number;
  /** Whether anyone answered: a call offered to several agents is missed only if none did. */
  answered: boolean;
  /** Who answered it (or, for a missed call, whom it rang for last), where known. */
  agent?: { extension?: string; name?: string };
  queue?: string;
  /** The route the hub chose for it and why, when a routing step answered it. */
  route?: { step: string; result: string; redirect?: string; reason: string };
  /** The recording, as the PBX gave it (http or https). */
  recordingUrl?: string;
  /** The record's subject and text, written from the tenant's templates (Turkish by default). */
  title: string;
  body: string;
}

/** What `logCall` wrote, or found written by an earlier try. */
export interface LoggedCall {
  /** The record's id in the CRM. */
  id: string;
  /** Where a person opens it, where the plugin can tell. */
  url?: string;
  /** False when an earlier try had written it already. */
  created: boolean;
}
