/** Splits SQL text into the tokens the statement check needs, per dialect's quoting and comment rules. */

export type Dialect = "postgres" | "mysql" | "sqlite";

/** Why a query cannot be used; the message follows its config path (`crm.config.query: …`). */
export class QueryError extends Error {
  override readonly name = "QueryError";
}

/** The named parameters a lookup query may use. */
export const PARAMETERS = ["phone", "national", "variants", "customerNumber"] as const;
/** The named parameters the call log's INSERT may use: the call's facts (`CallLog`). */
export const CALL_PARAMETERS = [
  "callId",
  "pbxId",
  "contactId",
  "direction",
  "caller",
  "called",
  "startedAt",
  "durationSec",
  "waitSec",
  "answered",
  "agentExtension",
  "agentName",
  "queue",
  "routeResult",
  "routeRedirect",
  "routeReason",
  "recordingUrl",
  "title",
  "body",
] as const;
export type Parameter = (typeof PARAMETERS)[number] | (typeof CALL_PARAMETERS)[number];
export const PARAMETER_LIST = PARAMETERS.map((p) => `:${p}`).join(", ");

export type Token =
  | { kind: "space" | "comment" | "quoted" | "other" | "semicolon"; end: number }
  | { kind: "word"; end: number; word: string }
  | { kind: "param"; end: number; name: string };

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The token starting at `i`; throws a QueryError for a quote or comment never closed, or a positional placeholder. */
export function nextToken(sql: string, i: number, dialect: Dialect): Token {
  const c = sql[i] ?? "";
  const c2 = sql[i + 1] ?? "";
  if (/\s/.test(c)) return { kind: "space", end: i + 1 };
  if ((c === "-" && c2 === "-") || (c === "#" && dialect === "mysql")) {
    const nl = sql.indexOf("\n", i);
    return { kind: "comment", end: nl < 0 ? sql.length : nl + 1 };
  }
  if (c === "/" && c2 === "*") return { kind: "comment", end: blockCommentEnd(sql, i, dialect === "postgres") };
  if (c === "'") {
    // MySQL escapes with a backslash in every string; PostgreSQL only in E'…' strings
    const prefixE = (sql[i - 1] === "E" || sql[i - 1] === "e") && !WORD_PART.test(sql[i - 2] ?? "");
    const backslash = dialect === "mysql" || (dialect === "postgres" && prefixE);
    return { kind: "quoted", end: quotedEnd(sql, i, "'", backslash) };
  }
  if (c === '"') return { kind: "quoted", end: quotedEnd(sql, i, '"', dialect === "mysql") };
  if (c === "`" && dialect !== "postgres") return { kind: "quoted", end: quotedEnd(sql, i, "`", false) };
  if (c === "[" && dialect === "sqlite") return { kind: "quoted", end: quotedEnd(sql, i, "]", false) };
  if (c === ";") return { kind: "semicolon", end: i + 1 };
  if (c === ":" && c2 === ":") return { kind: "other", end: i + 2 };
  if (c === ":" && WORD_START.test(c2)) {
    const end = wordEnd(sql, i + 1);
    return { kind: "param", end, name: sql.slice(i + 1, end) };
  }
  if (c === "$" && dialect === "postgres") {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    if (tag) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      if (close < 0) throw new QueryError("has a $-quoted string that is never closed");
      return { kind: "quoted", end: close + tag[0].length };
    }
    if (/\d/.test(c2)) throw positional(`$${c2}`);
  }
  if (c === "?" && dialect !== "postgres") throw positional("?");
  if ((c === "$" || c === "@") && dialect === "sqlite" && WORD_START.test(c2)) throw positional(`${c}name`);
  if (WORD_START.test(c)) {
    const end = wordEnd(sql, i);
    return { kind: "word", end, word: sql.slice(i, end) };
  }
  return { kind: "other", end: i + 1 };
}

function positional(what: string): QueryError {
  return new QueryError(`uses "${what}"; write the named parameters instead (${PARAMETER_LIST})`);
}

function wordEnd(sql: string, i: number): number {
  let end = i;
  while (end < sql.length && WORD_PART.test(sql[end] ?? "")) end++;
  return end;
}

function quotedEnd(sql: string, i: number, close: string, backslash: boolean): number {
  for (let k = i + 1; k < sql.length; k++) {
    const c = sql[k];
    if (backslash && c === "\\") k++;
    else if (c === close) {
      if (sql[k + 1] !== close || close === "]") return k + 1;
      k++; // a doubled quote stands for itself
    }
  }
  throw new QueryError("has a string or quoted name that is never closed");
}

// PostgreSQL block comments nest; MySQL's and SQLite's end at the first "*/"
function blockCommentEnd(sql: string, i: number, nests: boolean): number {
  let depth = 0;
  for (let k = i; k < sql.length - 1; k++) {
    if (sql[k] === "/" && sql[k + 1] === "*" && (nests || depth === 0)) {
      depth++;
      k++;
    } else if (sql[k] === "*" && sql[k + 1] === "/") {
      depth--;
      k++;
      if (depth === 0) return k + 1;
    }
  }
  throw new QueryError("has a /* comment that is never closed");
}
