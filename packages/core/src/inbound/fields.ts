import { RequestError } from "./errors.js";

/** A request's fields, every value a string. */
export type Fields = Record<string, string>;

/**
 * Merges the query string and the body, the body winning (the panel's static variables and the URL's own
 * query may both carry a value). Numbers and booleans in a JSON body become strings; a repeated field keeps
 * its last value; a nested object or array of objects is refused, since no Netsantral field is one.
 */
export function mergeFields(query: Record<string, unknown>, body: Record<string, unknown>): Fields {
  // A plain object, not Object.create(null): V8 keeps that one in dictionary mode, ~3× slower to fill and
  // read. Only own properties are ever read (`ownField`), and `__proto__` is kept as a field, not a prototype.
  const fields: Fields = {};
  addFields(fields, query);
  addFields(fields, body);
  return fields;
}

function addFields(fields: Fields, source: Record<string, unknown>): void {
  for (const name of Object.keys(source)) {
    const value = source[name];
    const text = toText(Array.isArray(value) ? value[value.length - 1] : value);
    if (text === undefined) {
      throw new RequestError("bad_field", `field "${name}" must be text, not an object; send flat fields`);
    }
    if (name === "__proto__") Object.defineProperty(fields, name, { value: text, enumerable: true, writable: true });
    else fields[name] = text;
  }
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
