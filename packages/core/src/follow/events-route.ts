import type { Context } from "koa";
import type { Hub } from "../hub/hub.js";
import { tenantError } from "../hub/tenant-errors.js";
import { readWebhookBody } from "../inbound/body.js";
import { tokenMatches } from "../tenants/token.js";
import type { CallFollow } from "./follow.js";

/** Field names already logged as undocumented, per tenant: each is logged once. */
const seen = new Map<string, Set<string>>();

/**
 * `POST /t/<tenant>/events?token=…`: the PBX's event webhook. The token travels in the URL's query (the
 * panel's URL field is the only place a tenant can put a secret for it); the events are answered 200 once
 * they are in the durable outbox, and taken from there.
 */
export async function receiveEvents(hub: Hub, follow: CallFollow, ctx: Context): Promise<void> {
  const arrivedAt = Date.now();
  const reached = hub.tenantFor(ctx.params.tenant, {});
  const tenant = reached instanceof Promise ? await reached : reached;
  const { config } = tenant;
  ctx.state.dialect = config.dialect;
  const token = ctx.query.token;
  if (!tokenMatches(tenant.tokenBytes, typeof token === "string" ? token : undefined)) {
    throw tenantError(
      "bad_token",
      "wrong or missing token: end the event URL in the panel with ?token=<the tenant's token>",
    );
  }
  const body = await readWebhookBody(ctx, hub.config.limits.body);
  const reading = config.dialect.readEvents(body, config.region, arrivedAt, { timeZone: config.timezone });
  const names = [...reading.unknownFields, ...(reading.unknownScenario ? [`scenario=${reading.unknownScenario}`] : [])];
  const fresh = firstSeen(config.id, names);
  if (fresh.length > 0) {
    // names only, never values: so the real shapes of the PBX's events can be learnt from production
    hub.log.info({ tenant: config.id, fields: fresh }, "call events: fields or a scenario the PBX does not document");
  }
  await follow.receive(tenant, reading.events);
  ctx.body = { status: "ok", events: reading.events.length };
}

function firstSeen(tenant: string, names: string[]): string[] {
  const known = seen.get(tenant) ?? new Set<string>();
  seen.set(tenant, known);
  const fresh = names.filter((name) => !known.has(name));
  for (const name of fresh) if (known.size < 1000) known.add(name);
  return fresh;
}
