import type { Phone } from "@santral-hub/sdk";
import type { CallEventKind, PbxCallEvent } from "./types.js";

export type CallState = "ringing" | "answered" | "ended";

/** What a call's events say together, whatever order they arrived in. */
export interface CallFacts {
  /** The furthest the call got: a `ringing` delivered after `ended` leaves it `ended`. */
  state?: CallState;
  direction?: PbxCallEvent["direction"];
  caller?: Phone | null;
  called?: string;
  /** The extension and queue it rang for, or was answered or ended by (an answer outranks a ring). */
  agent: { extension?: string; queue?: string };
  ended?: { durationSec?: number; waitSec?: number; disposition?: "answered" | "missed"; recordingUrl?: string };
  /** Keys pressed, in the order pressed. */
  digits: string[];
  /** Every PBX id the events carried. */
  pbxIds: string[];
}

const STATE_RANK: Record<CallEventKind, number> = { other: 0, keys: 0, ringing: 1, queued: 1, answered: 2, ended: 3 };
// who the call is for: the one who answered it, or ended it, outranks the one it rang for
const AGENT_RANK: Record<CallEventKind, number> = { other: 0, keys: 0, ringing: 1, queued: 1, answered: 2, ended: 2 };
const STATES: (CallState | undefined)[] = [undefined, "ringing", "answered", "ended"];

/** How far an event takes a call: 0 for an event that does not move it (keys, other). */
export function stateRank(kind: CallEventKind | CallState | undefined): number {
  return kind === undefined ? 0 : STATE_RANK[kind];
}

/**
 * Folds a call's events by their own time, so the result does not depend on the order they were delivered
 * in: the furthest state wins, a later event's facts win over an earlier one's (but a missed leg never over
 * an answered end), and a fact no event gives is never erased by one that does not say.
 */
export function foldEvents(events: readonly PbxCallEvent[]): CallFacts {
  const facts: CallFacts = { agent: {}, digits: [], pbxIds: [] };
  let rank = 0;
  let extensionRank = -1;
  let queueRank = -1;
  const sorted = [...events].sort((a, b) => a.at - b.at);
  for (const event of sorted) {
    rank = Math.max(rank, STATE_RANK[event.kind]);
    // a call offered to several agents at once ends once per agent: the one who answered it is the call's
    // agent and its length, whatever the others' missed legs say
    const missedLeg = event.kind === "ended" && event.disposition === "missed";
    if (missedLeg && facts.ended?.disposition === "answered") {
      for (const id of event.ids) if (!facts.pbxIds.includes(id)) facts.pbxIds.push(id);
      continue;
    }
    for (const id of event.ids) if (!facts.pbxIds.includes(id)) facts.pbxIds.push(id);
    if (event.direction) facts.direction = event.direction;
    if (event.caller && !facts.caller) facts.caller = event.caller;
    else if (event.caller === null && facts.caller === undefined) facts.caller = null;
    if (event.called && !facts.called) facts.called = event.called;
    const agentRank = AGENT_RANK[event.kind];
    if (event.extension && agentRank >= extensionRank) {
      facts.agent.extension = event.extension;
      extensionRank = agentRank;
    }
    if (event.queue && agentRank >= queueRank) {
      facts.agent.queue = event.queue;
      queueRank = agentRank;
    }
    if (event.kind === "keys" && event.digits) facts.digits.push(event.digits);
    const ends = event.kind === "ended";
    if (ends || (event.kind === "answered" && event.waitSec !== undefined)) {
      const ended = facts.ended ?? {};
      facts.ended = ended;
      if (event.waitSec !== undefined) ended.waitSec = event.waitSec;
      if (ends && event.durationSec !== undefined) ended.durationSec = event.durationSec;
      if (ends && event.disposition) ended.disposition = event.disposition;
      if (ends && event.recordingUrl) ended.recordingUrl = event.recordingUrl;
    }
  }
  const state = STATES[rank];
  if (state) facts.state = state;
  // a wait time from an answer alone is not an end
  if (facts.ended && state !== "ended") delete facts.ended;
  return facts;
}

/**
 * When an event's call began, as near as the event tells: the CDR's start, else its time less what it says
 * was talked and waited. A long call's end is matched against a routing call by this, not by its end.
 */
export function callStart(event: PbxCallEvent): number {
  if (event.startedAt !== undefined) return event.startedAt;
  return event.at - ((event.durationSec ?? 0) + (event.waitSec ?? 0)) * 1000;
}
