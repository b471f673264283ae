import { type CallLog, type Contact, parsePhone } from "@santral-hub/sdk";
import type { Template, TemplateScope } from "../speech/template.js";
import { displayPhone } from "./card.js";
import type { TrackedCall } from "./tracker.js";

/** What a tenant's call log needs to write a call: its templates, its region and time zone. */
export interface HistoryOptions {
  title: Template;
  body: Template;
  region: string;
  timeZone: string;
}

const KIND = { inbound: "Gelen", outbound: "Giden", internal: "Dahili" } as const;

/**
 * An ended call as the CRM's history gets it (`CrmAdapter.logCall`): its facts folded from every event, the
 * route the hub chose, and the subject and text from the tenant's templates. A template that fails on
 * this call's data gives plain text rather than no record.
 */
export function historyOf(call: TrackedCall, options: HistoryOptions): CallLog {
  const { facts, routed, contact } = call;
  const direction = facts.direction ?? "inbound";
  const e164 = routed?.caller ?? facts.caller?.e164 ?? null;
  const started = Math.min(routed?.at ?? Number.POSITIVE_INFINITY, ...call.events.map((e) => e.startedAt ?? e.at));
  const answered =
    facts.ended?.disposition === "answered" ||
    (facts.ended?.disposition === undefined && (facts.ended?.durationSec ?? 0) > 0);
  const log: CallLog = {
    id: call.cardId,
    pbxIds: [...new Set([...(routed?.callId ? [routed.callId] : []), ...facts.pbxIds])],
    direction,
    caller: e164 ? parsePhone(e164, options.region) : null,
    startedAt: new Date(Number.isFinite(started) ? started : Date.now()).toISOString(),
    durationSec: answered ? (facts.ended?.durationSec ?? 0) : 0,
    answered,
    title: "",
    body: "",
  };
  const called = routed?.called ?? facts.called;
  if (called) log.called = called;
  if (facts.ended?.waitSec !== undefined) log.waitSec = facts.ended.waitSec;
  const extension = facts.agent.extension;
  if (extension) {
    log.agent = { extension };
    if (contact?.owner?.name && contact.owner.extension === extension) log.agent.name = contact.owner.name;
  }
  if (facts.agent.queue) log.queue = facts.agent.queue;
  if (routed) {
    log.route = { step: routed.step, result: routed.result, reason: routed.reason };
    if (routed.redirect) log.route.redirect = routed.redirect;
  }
  if (facts.ended?.recordingUrl) log.recordingUrl = facts.ended.recordingUrl;
  const scope = scopeOf(log, contact, options);
  log.title = rendered(options.title, scope, `${KIND[direction]} arama`);
  log.body = rendered(options.body, scope, "");
  return log;
}

function rendered(template: Template, scope: TemplateScope, plain: string): string {
  try {
    return template(scope).trim() || plain;
  } catch {
    return plain;
  }
}

/** What the call log's templates see: the call in the words a Turkish CRM user reads, and the contact. */
function scopeOf(log: CallLog, contact: Contact | undefined, options: HistoryOptions): TemplateScope {
  const minutes = Math.floor(log.durationSec / 60);
  const seconds = log.durationSec % 60;
  const route = log.route && [log.route.result, log.route.redirect].filter(Boolean).join(" ");
  return {
    contact: contact
      ? { ...contact, name: contact.name ?? ([contact.firstName, contact.lastName].filter(Boolean).join(" ") || "") }
      : null,
    call: {
      id: log.pbxIds[0] ?? log.id,
      card: log.id,
      kind: KIND[log.direction],
      caller: log.caller ? displayPhone(log.caller.e164, options.region) : "gizli numara",
      called: log.called ?? "",
      started: new Intl.DateTimeFormat("tr-TR", {
        timeZone: options.timeZone,
        dateStyle: "short",
        timeStyle: "short",
      }).format(new Date(log.startedAt)),
      answered: log.answered,
      durationSec: log.durationSec,
      duration: minutes > 0 ? `${minutes} dk ${seconds} sn` : `${seconds} sn`,
      extension: log.agent?.extension ?? "",
      queue: log.queue ?? "",
      route: route ? `${route} (${log.route?.reason})` : "",
      reason: log.route?.reason ?? "",
      recording: log.recordingUrl ?? "",
    },
  };
}
