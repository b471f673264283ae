import type { ObjectPlan } from "./plan.js";

/** The characters SOSL reserves inside `FIND {…}` (SOSL guide, "FIND {SearchQuery}"); each is escaped with `\`. */
export const SOSL_RESERVED = `?&|!{}[]()^~*:\\"'+-`;
const RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** Escapes every SOSL reserved character, so input is searched as text and can never close `{` or add syntax. */
export function escapeSosl(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/**
 * One term of the search, as a quoted phrase: the search engine splits stored numbers into tokens on spaces
 * and punctuation, so `0544 100 00 00` must be searched as that sequence, not as four words.
 */
export function soslPhrase(term: string): string {
  // control characters and runs of white space have no meaning in a phone number; they would only break the phrase
  const clean = term.replace(/[\p{Cc}\s]+/gu, " ").trim();
  return `"${escapeSosl(clean)}"`;
}

/**
 * One SOSL search over the phone fields of every planned object, OR-ing the number's stored forms;
 * each object returns only the fields its mapping needs, at most `limit` records. Undefined when no term
 * is searchable.
 */
export function phoneSearch(
  terms: readonly string[],
  objects: readonly ObjectPlan[],
  limit: number,
): string | undefined {
  // SOSL refuses a term of fewer than two letters or digits ("search term must be longer than one character")
  const searchable = terms.filter((t) => t.replace(/[^\p{L}\p{N}]/gu, "").length >= 2);
  const phrases = [...new Set(searchable.map(soslPhrase))];
  if (phrases.length === 0) return undefined;
  const returning = objects.map((o) => `${o.object}(${o.select.join(", ")} LIMIT ${limit})`).join(", ");
  return `FIND {${phrases.join(" OR ")}} IN PHONE FIELDS RETURNING ${returning}`;
}
