/**
 * How much a request may carry, whatever its PBX: a routing request has about a dozen fields, so a request
 * with more, or with a name or value longer than these, is malformed and refused with a 400. They are checked
 * as the request is read, before its token; a dialect holds its own fields to tighter limits (a phone number,
 * a call id) when it reads the call. They bound what keys the caches and what each request costs.
 */
export const INBOUND_LIMITS = {
  /** Fields in one request, the query's and the body's together (repeats of a name count each). */
  fields: 64,
  /** Characters in a field's name. */
  name: 64,
  /** Characters in any field's value (a static variable of the panel, the token). */
  value: 1024,
} as const;
