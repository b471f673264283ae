import { FakeError, type FakeOrg, type Row } from "./org.js";
import type { ObjectDef } from "./schema.js";

/** SOSL's reserved characters: inside `FIND {}` each must be escaped with `\` to be searched as text. */
const RESERVED = new Set(`?&|!{}[]()^~*:\\"'+-`);

interface Returning {
  object: string;
  fields: { path: string; at: number }[];
  limit: number | undefined;
}

/** A parsed `FIND {…} IN PHONE FIELDS RETURNING …`: the OR-ed terms, unescaped, and the objects returned. */
export interface Search {
  terms: string[];
  returning: Returning[];
  limit: number | undefined;
}

const malformed = (message: string) => new FakeError(400, "MALFORMED_SEARCH", message);

/**
 * Parses the subset of SOSL the plugin speaks, strictly: every reserved character inside `FIND {}` must be
 * escaped (a quoted phrase's own quotes aside), terms are joined by OR, and the search group is PHONE.
 */
export function parseSosl(q: string): Search {
  const open = /^\s*FIND\s*\{/i.exec(q);
  if (!open) throw malformed("No search term found. The search term must be enclosed in braces.");
  let i = open[0].length;
  const terms: string[] = [];
  let wantTerm = true;
  for (;;) {
    while (/\s/.test(q[i] ?? "")) i++;
    const c = q[i];
    if (c === undefined) throw malformed("The search term must be enclosed in braces: no closing }");
    if (c === "}") {
      i++;
      break;
    }
    const phrase = c === '"';
    const { text, end } = readTerm(q, phrase ? i + 1 : i, phrase);
    i = end;
    if (!phrase && text.toUpperCase() === "OR" && !wantTerm) {
      wantTerm = true;
      continue;
    }
    if (!wantTerm) throw malformed(`the fake understands terms joined by OR only, not "${text}"`);
    if (text.replace(/[^\p{L}\p{N}]/gu, "").length < 2) {
      throw malformed("search term must be longer than one character");
    }
    terms.push(text);
    wantTerm = false;
  }
  if (terms.length === 0 || wantTerm) throw malformed("No search term found, or a dangling OR");
  return { terms, ...parseTail(q, i) };
}

/** Reads a term up to its end (a closing quote, or white space or `}` for a bare word), undoing escapes. */
function readTerm(q: string, start: number, phrase: boolean): { text: string; end: number } {
  let text = "";
  for (let i = start; i < q.length; i++) {
    const c = q[i] ?? "";
    if (c === "\\") {
      const next = q[i + 1] ?? "";
      if (!RESERVED.has(next)) throw malformed(`Invalid escape sequence '\\${next}' in the search term`);
      text += next;
      i++;
    } else if (phrase && c === '"') {
      return { text, end: i + 1 };
    } else if (!phrase && (/\s/.test(c) || c === "}")) {
      return { text, end: i };
    } else if (RESERVED.has(c)) {
      throw malformed(`unescaped reserved character '${c}' in the search term: escape it with a backslash`);
    } else {
      text += c;
    }
  }
  throw malformed(phrase ? "unterminated quoted phrase" : "The search term must be enclosed in braces: no closing }");
}

function parseTail(q: string, start: number): Pick<Search, "returning" | "limit"> {
  const head = /\s+IN\s+PHONE\s+FIELDS\s+RETURNING\s+/iy;
  head.lastIndex = start;
  if (!head.exec(q)) throw malformed("expected IN PHONE FIELDS RETURNING after the search term");
  const token = /\s*([A-Za-z][\w.]*|\d+|[(),])/y;
  token.lastIndex = head.lastIndex;
  const next = () => {
    const at = token.lastIndex;
    const m = token.exec(q);
    if (!m) {
      token.lastIndex = at;
      return undefined;
    }
    return { text: m[1] ?? "", at: m.index + (m[0].length - (m[1] ?? "").length) };
  };
  const returning: Returning[] = [];
  let limit: number | undefined;
  for (;;) {
    const name = next();
    if (!name) throw malformed("expected an object name after RETURNING");
    if (name.text.toUpperCase() === "LIMIT" && returning.length > 0) {
      limit = Number(next()?.text);
      break;
    }
    const spec: Returning = { object: name.text, fields: [], limit: undefined };
    let t = next();
    if (t?.text === "(") {
      for (let sep = ","; sep !== ")"; ) {
        if (sep.toUpperCase() === "LIMIT") {
          spec.limit = Number(next()?.text);
          if (next()?.text !== ")") throw malformed(`expected ) after LIMIT in ${spec.object}`);
          break;
        }
        if (sep !== ",") throw malformed(`expected , or ) in the field list of ${spec.object}`);
        const f = next();
        if (!f) throw malformed(`unexpected end in the field list of ${spec.object}`);
        spec.fields.push({ path: f.text, at: f.at });
        sep = next()?.text ?? "";
      }
      t = next();
    }
    returning.push(spec);
    if (t === undefined) break;
    if (t.text === ",") continue;
    if (t.text.toUpperCase() === "LIMIT") {
      limit = Number(next()?.text);
      break;
    }
    throw malformed(`unexpected token: ${t.text}`);
  }
  if (q.slice(token.lastIndex).trim() !== "")
    throw malformed(`unexpected text after the search: ${q.slice(token.lastIndex)}`);
  return { returning, limit };
}

/** Runs a search: each phone field's tokens against each term's, every object in its RETURNING order. */
export function runSearch(org: FakeOrg, q: string, version: string): Row[] {
  const search = parseSosl(q);
  const out: Row[] = [];
  for (const spec of search.returning) {
    const def = org.describe(spec.object);
    if (!def) {
      throw new FakeError(400, "INVALID_TYPE", `sObject type '${spec.object}' is not supported.`);
    }
    const paths = spec.fields.map((f) => org.compile(def, f.path, { statement: q, at: f.at }));
    const hits = org.all(def.name).filter((row) => phoneMatch(def, row, search.terms));
    for (const row of hits.slice(0, spec.limit ?? 2000)) out.push(org.output(def, row, paths, version));
  }
  return out.slice(0, search.limit ?? 2000);
}

/**
 * The search index splits a stored value into tokens on spaces and punctuation: a term matches when its
 * tokens stand together, in order, among a phone field's. `0544 100 00 00` matches `(0544) 100 00 00` and
 * `0212 555 12 34 / 0544 100 00 00`, but not `05441000000`: the plugin has to search every stored shape.
 */
function phoneMatch(def: ObjectDef, row: Row, terms: string[]): boolean {
  const phones = def.fields.filter((f) => f.type === "phone").map((f) => row[f.name]);
  return phones.some((value) => {
    if (typeof value !== "string") return false;
    const stored = tokens(value);
    return terms.some((term) => contains(stored, tokens(term)));
  });
}

const tokens = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function contains(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) return true;
  }
  return false;
}
