import type { ObjectPlan } from "./plan.js";

// SOQL's escape sequences for a quoted string (SOQL guide, "Quoted String Escape Sequences")
const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Escapes a value for a single-quoted SOQL string literal: it can never end the literal. */
export function escapeSoql(value: string): string {
  return value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c] ?? c);
}

/** A SOQL string literal holding `value`. */
export function soqlString(value: string): string {
  return `'${escapeSoql(value)}'`;
}

/** The records of one object whose `field` equals the typed customer number. */
export function customerNumberQuery(object: ObjectPlan, field: string, value: string, limit: number): string {
  return `SELECT ${object.select.join(", ")} FROM ${object.object} WHERE ${field} = ${soqlString(value)} LIMIT ${limit}`;
}

/** The owners' user fields that cannot be read through a polymorphic `Owner` (see plan.ts). */
export function usersQuery(fields: readonly string[], ids: readonly string[]): string {
  const select = ["Id", ...fields.filter((f) => f.toLowerCase() !== "id")].join(", ");
  return `SELECT ${select} FROM User WHERE Id IN (${ids.map(soqlString).join(", ")})`;
}
