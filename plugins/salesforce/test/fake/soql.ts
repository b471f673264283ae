import { FakeError, type FakeOrg, type Row } from "./org.js";

/** SOQL's escape sequences inside a quoted string; any other backslash sequence is refused. */
const ESCAPED: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };

const malformed = (message: string) => new FakeError(400, "MALFORMED_QUERY", message);

/**
 * Runs the SOQL the plugin sends: `SELECT fields FROM Object WHERE Field = 'value'` or
 * `WHERE Id IN ('a', 'b')`, then an optional `LIMIT n`. String literals are read escape by escape, so a
 * quote left unescaped ends the literal early and what follows is refused as SOQL, as Salesforce does.
 */
export function runQuery(org: FakeOrg, q: string, version: string): { totalSize: number; done: true; records: Row[] } {
  const head = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+(\w+)\s*(=|IN)\s*/iy;
  const m = head.exec(q);
  if (!m) throw malformed("the fake understands SELECT … FROM … WHERE field = 'value' [LIMIT n] only");
  const [, select = "", object = "", field = "", op = ""] = m;
  const def = org.describe(object);
  if (!def)
    throw new FakeError(400, "INVALID_TYPE", `\n${q}\n^\nERROR at Row:1\nsObject type '${object}' is not supported.`);
  const paths = select.split(",").map((p) => {
    const path = p.trim();
    return org.compile(def, path, { statement: q, at: q.indexOf(path) });
  });
  const where = def.fields.find((f) => f.name.toLowerCase() === field.toLowerCase());
  if (!where) org.compile(def, field, { statement: q, at: q.indexOf(field, m.index) });
  let at = head.lastIndex;
  const values: string[] = [];
  if (op.toUpperCase() === "IN") {
    if (q[at] !== "(") throw malformed("expected ( after IN");
    at++;
    for (;;) {
      const read = literal(q, skip(q, at));
      values.push(read.value);
      at = skip(q, read.end);
      if (q[at] === ")") {
        at++;
        break;
      }
      if (q[at] !== ",") throw malformed(`unexpected token: ${q.slice(at, at + 10)}`);
      at++;
    }
  } else {
    if (where && !["string", "id", "phone", "picklist", "textarea", "email", "url"].includes(where.type)) {
      throw new FakeError(
        400,
        "INVALID_QUERY_FILTER_OPERATOR",
        `\n${q}\n^\nERROR at Row:1\nvalue of filter criterion for field '${where.name}' must be of type ${where.type} and should not be enclosed in quotes`,
      );
    }
    const read = literal(q, at);
    values.push(read.value);
    at = read.end;
  }
  const tail = /^\s*(?:LIMIT\s+(\d+))?\s*$/i.exec(q.slice(at));
  if (!tail) throw malformed(`unexpected token: ${q.slice(at).trim().split(/\s+/)[0]}`);
  const limit = tail[1] === undefined ? Number.POSITIVE_INFINITY : Number(tail[1]);
  // SOQL compares text ignoring case
  const wanted = new Set(values.map((v) => v.toLowerCase()));
  const rows = org.all(def.name).filter((row) => wanted.has(String(row[where?.name ?? ""] ?? "").toLowerCase()));
  const records = rows.slice(0, limit).map((row) => org.output(def, row, paths, version));
  return { totalSize: records.length, done: true, records };
}

function skip(q: string, at: number): number {
  let i = at;
  while (/\s/.test(q[i] ?? "")) i++;
  return i;
}

function literal(q: string, start: number): { value: string; end: number } {
  if (q[start] !== "'") throw malformed(`expected a quoted string, found: ${q.slice(start, start + 10)}`);
  let value = "";
  for (let i = start + 1; i < q.length; i++) {
    const c = q[i] ?? "";
    if (c === "\\") {
      const next = q[i + 1] ?? "";
      const meant = ESCAPED[next];
      if (meant === undefined) throw malformed(`Invalid string literal: illegal escape sequence \\${next}`);
      value += meant;
      i++;
    } else if (c === "'") {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw malformed("unterminated string literal");
}
