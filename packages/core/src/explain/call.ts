import { DEFAULT_ZONE } from "../agent/recent.js";
import type { Delivery } from "../calls/store.js";
import { CallTracker, type TrackedCall } from "../calls/tracker.js";
import type { RoutedCall } from "../calls/types.js";
import { openCallStore } from "../follow/backends.js";
import { loadHubConfig } from "../hub/config.js";
import { ExplainError, findTenant } from "./tenant.js";

export interface ExplainCallOptions {
  configDir: string;
  tenant: string;
  /** Any id of the call: the routing request's `arama_id`, an event's `unique_id`, or the card id. */
  callId: string;
  env?: NodeJS.ProcessEnv;
}

/** A call after its answer, as `santral-hub explain --call` shows it: what the PBX said, what the hub sent. */
export interface CallExplanation {
  tenant: string;
  /** The tenant's time zone, in which the report prints times. */
  timeZone: string;
  card: string;
  pbxIds: string[];
  startedAt: number;
  caller: string | null;
  state: "routed" | "ringing" | "answered" | "ended";
  route: (Omit<RoutedCall, "tenant" | "contact" | "caller" | "called"> & { contact: string | null }) | null;
  /** Who the card names, and how it was known: the routing step's lookup, or one made for the events. */
  contact: { id: string; name: string | null; vip: boolean; by: "routing" | "events" } | null;
  agent: TrackedCall["facts"]["agent"];
  ended: TrackedCall["facts"]["ended"] | null;
  events: TrackedCall["events"];
  deliveries: Delivery[];
  /** Plain sentences for "why did the agent (or our software) not get this call?". */
  notes: string[];
}

/** A call the hub followed, by any of its ids: its route, its events and every try to deliver it. */
export async function explainCall(opts: ExplainCallOptions): Promise<CallExplanation> {
  const env = opts.env ?? process.env;
  const tenant = await findTenant(opts.configDir, opts.tenant, env);
  const hub = await loadHubConfig(opts.configDir, env);
  const opened = await openCallStore(hub);
  if (!opened) {
    throw new ExplainError("unknown_call", `no calls are kept in ${hub.stateDir} yet: has the hub taken a call?`);
  }
  let call: TrackedCall | undefined;
  try {
    call = await new CallTracker({ store: opened.store }).find(tenant.id, opts.callId);
  } catch (error) {
    throw new ExplainError("unknown_call", `could not read the calls in ${opened.where}: ${(error as Error).message}`);
  } finally {
    opened.close();
  }
  if (!call) {
    throw new ExplainError(
      "unknown_call",
      `no call "${opts.callId}" of tenant "${tenant.id}" in ${opened.where}: a call is kept 4 hours after its last event, under its arama_id, its events' ids and its card id`,
    );
  }
  return describe(call, tenant.timezone ?? DEFAULT_ZONE, {
    webhooks: tenant.notify.length,
    callLog: tenant.callLog?.unknown,
  });
}

interface Sends {
  webhooks: number;
  /** The tenant's choice for callers nobody recognised; undefined: no call log. */
  callLog: "skip" | "create" | undefined;
}

function describe(call: TrackedCall, timeZone: string, sends: Sends): CallExplanation {
  const { routed, facts, contact } = call;
  const first = call.events.reduce((at, e) => Math.min(at, e.startedAt ?? e.at), Number.POSITIVE_INFINITY);
  const caller = routed?.caller ?? facts.caller?.e164 ?? null;
  let route: CallExplanation["route"] = null;
  if (routed) {
    const { tenant: _t, contact: c, caller: _c, called: _d, ...rest } = routed;
    route = { ...rest, contact: c?.id ?? null };
  }
  return {
    tenant: call.tenant,
    timeZone,
    card: call.cardId,
    pbxIds: [...new Set([...(routed?.callId ? [routed.callId] : []), ...facts.pbxIds])],
    startedAt: Math.min(routed?.at ?? Number.POSITIVE_INFINITY, first),
    caller,
    state: facts.state ?? "routed",
    route,
    contact: contact
      ? { id: contact.id, name: contact.name ?? null, vip: contact.vip === true, by: routed ? "routing" : "events" }
      : null,
    agent: facts.agent,
    ended: facts.ended ?? null,
    events: [...call.events].sort((a, b) => a.at - b.at),
    deliveries: call.deliveries,
    notes: notes(call, sends),
  };
}

function notes(call: TrackedCall, { webhooks, callLog }: Sends): string[] {
  const out: string[] = [];
  if (!call.routed) {
    out.push(
      "The hub answered no routing step of this call (or its answer was not found by id or by caller and time): the card was made from the PBX's events.",
    );
    const looked = { pending: "is being looked up", done: "was looked up once", failed: "could not be looked up" };
    if (call.lookup !== "none") out.push(`The caller ${looked[call.lookup]} for the card.`);
  }
  if (call.events.length === 0) {
    out.push(
      'No event of this call has arrived: is the panel\'s event URL set to /t/<tenant>/events?token=… (README, "After the answer")?',
    );
  }
  if (webhooks === 0) out.push("The tenant's file lists no `notify` webhook: nothing is sent to its software.");
  if (!callLog) out.push("The tenant's file has no `callLog`: the call is not written into the CRM's history.");
  else if (call.facts.state === "ended" && !call.contact && callLog === "skip") {
    out.push("Not written into the CRM's history: nobody was recognised, and callLog.unknown is skip.");
  } else if (call.facts.state !== "ended") {
    out.push("Not yet written into the CRM's history: that comes once the PBX reports the call's end (its cdr).");
  }
  const failing = call.deliveries.filter((d) => d.outcome !== "sent");
  if (failing.length > 0) {
    const last = failing[failing.length - 1] as Delivery;
    out.push(
      `${failing.length} tr${failing.length === 1 ? "y" : "ies"} failed; the last: ${last.detail ?? last.outcome}.`,
    );
  }
  return out;
}
