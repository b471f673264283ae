/**
 * Reads a configured query once, at load: refuses anything but one read statement, and splits it at its
 * named parameters so that values are only ever bound, in each driver's placeholder style.
 */
import { CALL_PARAMETERS, type Dialect, nextToken, PARAMETERS, type Parameter, QueryError } from "./lexer.js";

export { CALL_PARAMETERS, type Dialect, PARAMETERS, type Parameter, QueryError } from "./lexer.js";

/**
 * Which statement a text is: the phone query gets the caller's number, the customer-number query the digits
 * typed, and the call log's INSERT (on its own, writable connection) the call's facts.
 */
export type Role = "phone" | "customerNumber" | "callLog" | "createContact";
const ROLE_PARAMETERS: Record<Role, readonly Parameter[]> = {
  phone: ["phone", "national", "variants"],
  customerNumber: ["customerNumber"],
  callLog: CALL_PARAMETERS,
  createContact: ["phone", "national"],
};
const ROLE_KEY: Record<Role, string> = {
  phone: "query",
  customerNumber: "customerNumberQuery",
  callLog: "callLog.insert",
  createContact: "callLog.createContact",
};
/** The statements that write: one INSERT each, on the call log's own connection. */
const INSERTS: readonly Role[] = ["callLog", "createContact"];
const ALL_PARAMETERS: readonly string[] = [...PARAMETERS, ...CALL_PARAMETERS];

/** A query split at its parameters: `pieces.length === params.length + 1`. */
export interface ParsedQuery {
  pieces: string[];
  params: Parameter[];
}

const READ_STARTS = new Set(["select", "with"]);
// Words that make a statement write (a PostgreSQL WITH may hold an INSERT; SELECT … INTO creates a table in
// PostgreSQL and a file in MySQL; FOR UPDATE takes locks). Followed by "(" they are functions (MySQL's
// INSERT()) and pass; after a "." they are names.
const WRITES = new Set(["insert", "update", "delete", "merge", "into", "truncate", "drop", "alter", "create"]);

/**
 * Parses `sql` for `role`; throws a QueryError saying what to change. A lookup must be one read statement;
 * the call log's must be one INSERT (its ON CONFLICT or IGNORE is the tenant's to write).
 */
export function parseQuery(sql: string, dialect: Dialect, role: Role = "phone"): ParsedQuery {
  const pieces: string[] = [];
  const params: Parameter[] = [];
  let from = 0;
  let statementEnd = -1;
  let first = true;
  for (let i = 0; i < sql.length; ) {
    const token = nextToken(sql, i, dialect);
    const start = i;
    i = token.end;
    if (token.kind === "space" || token.kind === "comment") continue;
    if (statementEnd >= 0) {
      if (token.kind === "semicolon") continue;
      throw new QueryError('must be a single statement, but more SQL follows the ";"');
    }
    if (token.kind === "semicolon") {
      statementEnd = start;
      continue;
    }
    if (first && token.kind === "other" && sql[start] === "(") continue;
    if (first) {
      first = false;
      const word = token.kind === "word" ? token.word.toLowerCase() : "";
      const what = token.kind === "word" ? token.word.toUpperCase() : JSON.stringify(sql.slice(start, i));
      const insert = INSERTS.includes(role);
      if (insert && word !== "insert") throw new QueryError(`must be one INSERT, but it starts with ${what}`);
      if (!insert && !READ_STARTS.has(word)) {
        throw new QueryError(`must be a read statement starting with SELECT or WITH, but it starts with ${what}`);
      }
    }
    if (token.kind === "word" && !INSERTS.includes(role)) {
      const word = token.word.toLowerCase();
      if (WRITES.has(word) && sql[start - 1] !== "." && !/^\s*\(/.test(sql.slice(i))) {
        throw new QueryError(`must only read, but it contains ${token.word.toUpperCase()}`);
      }
    } else if (token.kind === "param") {
      if (!ALL_PARAMETERS.includes(token.name)) {
        const list = (INSERTS.includes(role) ? ROLE_PARAMETERS[role] : PARAMETERS).map((p) => `:${p}`).join(", ");
        throw new QueryError(`uses :${token.name}, which is not a parameter; the parameters are ${list}`);
      }
      pieces.push(sql.slice(from, start));
      params.push(token.name as Parameter);
      from = i;
    }
  }
  if (first) throw new QueryError(INSERTS.includes(role) ? "is empty; write an INSERT" : "is empty; write a SELECT");
  pieces.push(sql.slice(from, statementEnd >= 0 ? statementEnd : sql.length).trimEnd());
  checkRole(params, role);
  return { pieces, params };
}

function checkRole(params: Parameter[], role: Role): void {
  const allowed = ROLE_PARAMETERS[role];
  const other = params.find((p) => !allowed.includes(p));
  if (other) {
    const owner = (Object.keys(ROLE_PARAMETERS) as Role[])
      .filter((r) => ROLE_PARAMETERS[r].includes(other) && INSERTS.includes(r) === INSERTS.includes(role))
      .map((r) => ROLE_KEY[r])
      .join(" and ");
    throw new QueryError(
      `uses :${other}, which only ${owner} receives; ${ROLE_KEY[role]} may use ${allowed.map((p) => `:${p}`).join(", ")}`,
    );
  }
  if (role === "createContact") {
    if (params.length === 0) throw new QueryError("must use :phone or :national, the new caller's number");
    return;
  }
  if (role === "callLog") {
    if (!params.includes("callId")) {
      throw new QueryError(
        "must use :callId, the call's id: its unique key keeps a call to one row however often it is written",
      );
    }
    return;
  }
  if (params.length === 0) {
    throw new QueryError(
      role === "phone"
        ? "uses none of :phone, :national, :variants, so it would find the same rows for every caller"
        : "must use :customerNumber, the digits the caller typed",
    );
  }
}

/** The SQL and values for one run: `:variants` becomes one placeholder per shape, `IN (:variants)`. */
export function bind(
  query: ParsedQuery,
  dialect: Dialect,
  values: Partial<Record<Parameter, string | null | readonly string[]>>,
): { sql: string; values: (string | null)[] } {
  const out: (string | null)[] = [];
  // PostgreSQL numbers its placeholders, so a parameter used twice is bound once
  const numbered = new Map<Parameter, string>();
  let sql = query.pieces[0] ?? "";
  query.params.forEach((name, k) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name}`);
    const list = typeof value === "string" || value === null ? [value] : value;
    let text = numbered.get(name);
    if (text === undefined) {
      text = list
        .map((v) => {
          const n = out.push(v);
          return dialect === "postgres" ? `$${n}` : "?";
        })
        .join(", ");
      if (dialect === "postgres") numbered.set(name, text);
    }
    sql += text + (query.pieces[k + 1] ?? "");
  });
  return { sql, values: out };
}
