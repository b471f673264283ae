import type { RoutingTarget } from "../dialect.js";

/**
 * The dynamic routing targets of NETSANTRAL.md, in its order, with what `redirect` names for each: every
 * one but `hangup` needs one. Any other `result` is one of the tenant's own codes, defined in its panel.
 */
export const TARGETS: ReadonlyMap<string, RoutingTarget> = new Map([
  ["dynamic", { redirect: "the number to route to" }],
  ["dial", { redirect: "the number to dial" }],
  ["announcement", { redirect: "the announcement's name" }],
  ["menu", { redirect: "the IVR menu's name" }],
  ["timecondition", { redirect: "the time condition's name" }],
  ["sms", { redirect: "the interactive SMS's name" }],
  ["queue", { redirect: "the queue (department) to send the call to" }],
  ["extensions", { redirect: "the extension to send the call to" }],
  ["voicemail", { redirect: "the voicemail box" }],
  ["hangup", { redirect: null }],
  ["interactivemenu", { redirect: "the integration step to go to" }],
]);
