import { type Contact, parsePhone } from "@santral-hub/sdk";
import type { PbxCallEvent, RoutedCall } from "./types.js";

// Fixtures for the tracker's and the card's tests.

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
export const CALLER = "+905441000000";

export const AHMET: Contact = {
  id: "003/Ä b?x",
  source: "csv",
  kind: "row",
  phones: ["0544 100 00 00"],
  name: "Ahmet Yılmaz",
  vip: true,
  owner: { name: "Zeynep Demir", extension: "101" },
  fields: {},
};

export function routedCall(overrides: Partial<RoutedCall> = {}): RoutedCall {
  return {
    tenant: "acme",
    callId: "1234567.213",
    caller: CALLER,
    called: "+908503030303",
    at: T0,
    step: "welcome",
    rule: 0,
    result: "extensions",
    redirect: "101",
    reason: "rule 1 matched: vip",
    contact: AHMET,
    ...overrides,
  };
}

/** An event as a dialect gives it; `caller` is a number as the PBX sent it. */
export function callEvent(
  kind: PbxCallEvent["kind"],
  fields: Omit<Partial<PbxCallEvent>, "caller"> & { caller?: string | null } = {},
): PbxCallEvent {
  const { caller, ...rest } = fields;
  const event: PbxCallEvent = { kind, scenario: kind, ids: [], at: T0 + 5_000, ...rest };
  if (caller !== undefined) event.caller = caller === null ? null : parsePhone(caller);
  return event;
}
