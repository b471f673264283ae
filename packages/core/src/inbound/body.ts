import { parse as parseForm } from "node:querystring";
import type { Context } from "koa";
import getRawBody from "raw-body";
import type { InboundFormat } from "../call.js";
import type { RequestError } from "../errors/request-error.js";
import { bodyError } from "./errors.js";
import type { Fields } from "./fields.js";
import { mergeFields } from "./fields.js";
import { INBOUND_LIMITS } from "./limits.js";
import { parseXmlFields } from "./xml.js";

const TYPES: Record<string, InboundFormat> = {
  "application/json": "json",
  "application/x-www-form-urlencoded": "form",
  "text/xml": "xml",
  "application/xml": "xml",
};

const NO_FIELDS: Record<string, unknown> = Object.freeze({});

export interface Inbound {
  fields: Fields;
  format: InboundFormat;
}

/**
 * Stage 1, before any tenant or dialect is known: the four formats a PBX sends (Netsantral's panel offers
 * all four on one URL), read into flat string fields: a GET query, a form, JSON or XML body, the body's
 * fields winning over the query's; the tenant's dialect then reads the call from them. Anything else with a body is a 415; a body
 * over `limit` bytes a 413; one that does not parse a 400; a compressed one (a PBX never compresses a dozen
 * fields, and inflating one is a decompression bomb's door) or one in a charset that is not text a 415.
 *
 * The body is read with raw-body and parsed here rather than by a body-parser middleware: a call needs
 * exactly these three parsers, and each layer of a general one costs every call its share.
 */
export async function readInbound(ctx: Context, limit: number): Promise<Inbound> {
  const header = ctx.get("Content-Type");
  const format = formatOf(ctx, header);
  const query = ctx.querystring === "" ? NO_FIELDS : ctx.query;
  if (format === "get") return { fields: mergeFields(query, NO_FIELDS), format };
  refuseEncoded(ctx.get("Content-Encoding"));
  const text = await readText(ctx, header, limit);
  if (format === "xml") return { fields: mergeFields(query, parseXmlFields(text)), format };
  // one pair past the limit is enough to refuse the form (mergeFields counts), and querystring stops there
  const body = format === "form" ? parseForm(text, undefined, undefined, { maxKeys: FORM_PAIRS }) : parseJson(text);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw bodyError("bad_json", "the JSON body must be an object of fields");
  }
  return { fields: mergeFields(query, body as Record<string, unknown>), format };
}

/**
 * The body of a webhook delivery (a PBX's call events): JSON or a form, as its fields, the query left out
 * (it carries the token), with the same limits and refusals as a call's body. The dialect checks its shape.
 */
export async function readWebhookBody(ctx: Context, limit: number): Promise<unknown> {
  const header = ctx.get("Content-Type");
  const format = formatOf(ctx, header);
  if (format === "get" || format === "xml") {
    const what = format === "get" ? "no body" : "an XML body";
    throw bodyError("unsupported_type", `the event came with ${what}: the PBX's event webhook POSTs JSON or a form`);
  }
  refuseEncoded(ctx.get("Content-Encoding"));
  const text = await readText(ctx, header, limit);
  return format === "form" ? parseForm(text, undefined, undefined, { maxKeys: FORM_PAIRS }) : parseJson(text);
}

/** The format of a request, from its method and Content-Type; a 415 for a body in any other type. */
function formatOf(ctx: Context, header: string): InboundFormat {
  if (ctx.method === "GET" || ctx.method === "HEAD" || !hasBody(ctx)) return "get";
  const semicolon = header.indexOf(";");
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  const format = TYPES[type] ?? (type.endsWith("+json") ? "json" : undefined);
  if (format) return format;
  throw bodyError(
    "unsupported_type",
    `Content-Type "${header || "(none)"}" is not supported; send a GET query, application/x-www-form-urlencoded, application/json or text/xml`,
  );
}

function hasBody(ctx: Context): boolean {
  return ctx.request.length > 0 || ctx.get("Transfer-Encoding") !== "";
}

const FORM_PAIRS = INBOUND_LIMITS.fields + 1;

/** A Content-Encoding other than none: 415, before a byte is read (a compressed body is never inflated). */
function refuseEncoded(encoding: string): void {
  const name = encoding.trim().toLowerCase();
  if (name === "" || name === "identity") return;
  const told = /^[a-z0-9-]{1,20}$/.test(name) ? ` "${name}"` : "";
  throw bodyError(
    "unsupported_encoding",
    `Content-Encoding${told} is not supported; send the body uncompressed, without a Content-Encoding header`,
  );
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

const UTF8 = /^utf-?8$/i;

/**
 * Charsets iconv-lite decodes that are not a text's encoding: base64 and hex are byte codings, `binary` is
 * Node's name for bytes, and UTF-7 smuggles markup past a filter. Names as iconv-lite compares them.
 */
const NOT_TEXT = new Set(["base64", "hex", "binary", "utf7", "utf7imap", "unicode11utf7", "csunicode11utf7"]);

/** The body as text, decoded from the charset the Content-Type names (UTF-8 when it names none), no BOM. */
async function readText(ctx: Context, header: string, limit: number): Promise<string> {
  const charset = CHARSET.exec(header)?.[1];
  if (charset !== undefined && NOT_TEXT.has(charset.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, ""))) {
    throw unsupportedCharset();
  }
  const length = ctx.request.length;
  let text: string;
  try {
    // UTF-8, nearly every call: read bytes and decode once (raw-body's decoder is iconv-lite's, for the others)
    if (charset === undefined || UTF8.test(charset)) text = (await getRawBody(ctx.req, { length, limit })).toString();
    else text = await getRawBody(ctx.req, { length, limit, encoding: charset });
  } catch (error) {
    throw readFailure(error);
  }
  // a byte-order mark (a Windows editor's, a .NET client's) is not part of the text
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (/^\s*$/.test(text)) return {}; // a body of blanks: no fields
    throw bodyError("bad_body", `the JSON body does not parse${jsonPosition(error as Error, text)}`);
  }
}

/**
 * Where JSON.parse stopped, from its message, which otherwise quotes the body (a number's digits, a token's
 * start): only the position is told, as a line and column.
 */
function jsonPosition(error: Error, text: string): string {
  if (/Unexpected end of JSON input|Unterminated/.test(error.message) && !/position \d+/.test(error.message)) {
    return ": it ends before its last value is complete";
  }
  const at = /position (\d+)/.exec(error.message)?.[1];
  if (at === undefined) return " (it is not valid JSON)";
  const position = Number(at);
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return ` at line ${line}, column ${position - start + 1} (character ${position + 1})`;
}

function unsupportedCharset(): RequestError {
  return bodyError(
    "unsupported_charset",
    "the body's charset is not a text encoding the hub decodes; send utf-8 (or name the text's charset, such as ISO-8859-9)",
  );
}

function readFailure(error: unknown): RequestError {
  const status = (error as { status?: number }).status ?? 400;
  if (status === 413) return bodyError("too_large", "the body is over the size limit; send only the call's fields");
  if (status === 415) return unsupportedCharset();
  // raw-body's types of failure (aborted, a length that does not match), never its message
  const type = (error as { type?: unknown }).type;
  const reason = typeof type === "string" && /^[a-z.]{1,40}$/.test(type) ? type : "unreadable body";
  return bodyError("bad_body", `the body could not be read (${reason})`);
}
