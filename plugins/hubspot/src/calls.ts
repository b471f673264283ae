import type { CallLog, Contact } from "@santral-hub/sdk";
import type { ObjectType } from "./objects.js";
import type { HubSpotConfig } from "./schema.js";

export type CallLogConfig = NonNullable<HubSpotConfig["callLog"]>;

/**
 * A call as HubSpot's call engagement holds it: `hs_call_duration` in milliseconds, the direction HubSpot
 * knows (an internal call has none), the status of an answered or a missed call, the recording only when
 * it is https (HubSpot refuses others), and the owner of the extension that took it.
 */
export function callProperties(call: CallLog, config: CallLogConfig): Record<string, string> {
  const outside = call.caller?.e164;
  const properties: Record<string, string> = {
    hs_timestamp: call.startedAt,
    hs_call_duration: String(Math.round(call.durationSec * 1000)),
    hs_call_status: call.answered ? "COMPLETED" : "NO_ANSWER",
    hs_call_title: call.title.slice(0, 255),
    hs_call_body: call.body,
  };
  if (call.direction !== "internal")
    properties.hs_call_direction = call.direction === "inbound" ? "INBOUND" : "OUTBOUND";
  const [from, to] = call.direction === "outbound" ? [call.called, outside] : [outside, call.called];
  if (from) properties.hs_call_from_number = from;
  if (to) properties.hs_call_to_number = to;
  if (call.recordingUrl?.startsWith("https://")) properties.hs_call_recording_url = call.recordingUrl;
  const owner = call.agent?.extension ? config.owners[call.agent.extension] : undefined;
  if (owner) properties.hubspot_owner_id = owner;
  return properties;
}

/** The object a recognised record is associated through: its kind, as the tenant's objects name it. */
export function associatedType(contact: Contact | null, objects: HubSpotConfig["objects"]): ObjectType | undefined {
  if (!contact || !/^\d+$/.test(contact.id)) return undefined;
  return objects.find((o) => o.kind === contact.kind)?.type;
}
