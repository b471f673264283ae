import type { CallLog, Contact, LoggedCall, Phone } from "@santral-hub/sdk";
import type { Connection } from "jsforce";
import { PLUGIN_NAME } from "./name.js";
import type { SalesforceConfig } from "./schema.js";
import { soqlString } from "./soql.js";

export type CallLogConfig = NonNullable<SalesforceConfig["callLog"]>;

const CALL_TYPE = { inbound: "Inbound", outbound: "Outbound", internal: "Internal" } as const;

/**
 * A call as a Salesforce Task: the activity a user sees on the record's timeline. Contacts and Leads are its
 * `WhoId`, an Account its `WhatId`; the owner comes from the extension that took the call.
 */
export function taskOf(call: CallLog, contact: Contact | null, config: CallLogConfig): Record<string, unknown> {
  const task: Record<string, unknown> = {
    Subject: call.title.slice(0, 255),
    Description: call.body.slice(0, 32_000),
    TaskSubtype: "Call",
    CallType: CALL_TYPE[call.direction],
    CallDurationInSeconds: call.durationSec,
    CallDisposition: call.answered ? config.dispositions.answered : config.dispositions.missed,
    // the PBX's id where there is an external id to find the Task by; else the hub's, to find it by
    CallObject: (config.externalId ? (call.pbxIds[0] ?? call.id) : call.id).slice(0, 255),
    ActivityDate: call.startedAt.slice(0, 10),
    Status: config.status,
  };
  const kind = contact?.kind?.toLowerCase();
  if (contact && (kind === "contact" || kind === "lead")) task.WhoId = contact.id;
  else if (contact && kind === "account") task.WhatId = contact.id;
  const owner = call.agent?.extension ? config.owners[call.agent.extension] : undefined;
  if (owner) task.OwnerId = owner;
  return task;
}

/**
 * Upserts the call's Task by the external id field: one Task per call, whoever writes it and however often
 * (Salesforce's upsert is atomic on the key). 201 creates it; 204 means it was there, and its id is read back.
 */
export async function upsertTask(conn: Connection, field: string, call: CallLog, task: Record<string, unknown>) {
  const result = await conn.sobject("Task").upsert({ ...task, [field]: call.id }, field);
  const outcome = Array.isArray(result) ? result[0] : result;
  if (outcome?.id) return { id: outcome.id, created: outcome.created !== false };
  const found = await conn.query<{ Id: string }>(`SELECT Id FROM Task WHERE ${field} = ${soqlString(call.id)} LIMIT 1`);
  const id = found.records[0]?.Id;
  if (!id) throw new Error(`the Task upserted by ${field} could not be read back`);
  return { id, created: false };
}

/**
 * For an org without an external id field on Task: the Task whose CallObject holds the call's id, else a new
 * one. Safe because the hub never runs one call's write twice at once (its outbox holds a call's job while
 * it runs, across nodes), and this process's concurrent calls for one call wait for each other.
 */
export async function findOrCreateTask(
  conn: Connection,
  call: CallLog,
  task: Record<string, unknown>,
): Promise<Pick<LoggedCall, "id" | "created">> {
  const found = await conn.query<{ Id: string }>(
    `SELECT Id FROM Task WHERE CallObject = ${soqlString(call.id)} LIMIT 1`,
  );
  const known = found.records[0]?.Id;
  if (known) return { id: known, created: false };
  const created = await conn.sobject("Task").create(task);
  const outcome = Array.isArray(created) ? created[0] : created;
  if (!outcome?.id) throw new Error("Salesforce created no Task");
  return { id: outcome.id, created: true };
}

/**
 * A Lead for a caller nobody recognised, holding their number as people type it (`0532…`), which the
 * phone search finds; the call's Task then goes on it.
 */
export async function createLead(conn: Connection, caller: Phone, config: CallLogConfig): Promise<Contact> {
  const phone = caller.country === "TR" ? `0${caller.national}` : caller.e164;
  const lead = { LastName: config.newLead.lastName, Company: config.newLead.company, Phone: phone };
  const created = await conn.sobject("Lead").create(lead);
  const outcome = Array.isArray(created) ? created[0] : created;
  if (!outcome?.id) throw new Error("Salesforce created no Lead");
  return { id: outcome.id, source: PLUGIN_NAME, kind: "Lead", phones: [phone], name: lead.LastName, fields: {} };
}
