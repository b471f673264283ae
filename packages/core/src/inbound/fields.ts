import type { RequestError } from "../errors/request-error.js";
import { bodyError } from "./errors.js";
import { INBOUND_LIMITS } from "./limits.js";

/** A request's fields, every value a string. */
export type Fields = Record<string, string>;

/**
 * Merges the query string and the body, the body winning (the panel's static variables and the URL's own
 * query may both carry a value). Numbers and booleans in a JSON body become strings; a repeated field keeps
 * its last value; a nested object or array of objects is refused, since no Netsantral field is one. More
 * fields than `INBOUND_LIMITS.fields` (repeats counted), a name or a value longer than a call's can be, is
 * refused: this runs before the token is checked. Messages name fields, lengths and counts, never a value.
 */
export function mergeFields(query: Record<string, unknown>, body: Record<string, unknown>): Fields {
  // A plain object, not Object.create(null): V8 keeps that one in dictionary mode, ~3× slower to fill and
  // read. Only own properties are ever read (`ownField`), and `__proto__` is kept as a field, not a prototype.
  const fields: Fields = {};
  const count = addFields(fields, query, 0);
  addFields(fields, body, count);
  return fields;
}

function addFields(fields: Fields, source: Record<string, unknown>, counted: number): number {
  let count = counted;
  for (const name of Object.keys(source)) {
    const value = source[name];
    count += Array.isArray(value) ? value.length : 1;
    if (count > INBOUND_LIMITS.fields) throw tooManyFields();
    if (name.length > INBOUND_LIMITS.name) {
      throw bodyError(
        "field_too_long",
        `field ${count}'s name is ${name.length} characters long; a name may have at most ${INBOUND_LIMITS.name}`,
      );
    }
    const text = toText(Array.isArray(value) ? value[value.length - 1] : value);
    if (text === undefined) {
      throw bodyError("bad_field", `field "${name}" must be text, not an object; send flat fields`);
    }
    if (text.length > INBOUND_LIMITS.value) throw fieldTooLong(name, text.length, INBOUND_LIMITS.value);
    if (name === "__proto__") Object.defineProperty(fields, name, { value: text, enumerable: true, writable: true });
    else fields[name] = text;
  }
  return count;
}

export function tooManyFields(): RequestError {
  return bodyError(
    "too_many_fields",
    `the request has more than ${INBOUND_LIMITS.fields} fields; a call has about a dozen: send only the call's fields and the panel's static variables`,
  );
}

/** A value over its field's limit, named by its field and its length, never quoted. */
export function fieldTooLong(name: string, length: number, limit: number): RequestError {
  return bodyError("field_too_long", `field "${name}" is ${length} characters long; it may have at most ${limit}`);
}

/** A field the request sent, never one the object inherits (`constructor`, say). */
export function ownField(fields: Fields, name: string): string | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function toText(value: unknown): string | undefined {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
