import { parse as parseForm } from "node:querystring";
import type { Context } from "koa";
import getRawBody from "raw-body";
import type { InboundFormat } from "../call.js";
import { RequestError } from "./errors.js";
import type { Fields } from "./fields.js";
import { mergeFields } from "./fields.js";
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
 * Stage 1: the four formats Netsantral sends on one URL, read into flat string fields: a GET query, a form,
 * JSON or XML body, the body's fields winning over the query's. Anything else with a body is a 415; a body
 * over `limit` bytes a 413; one that does not parse a 400.
 *
 * The body is read with raw-body and parsed here rather than by a body-parser middleware: a call needs
 * exactly these three parsers, and each layer of a general one costs every call its share.
 */
export async function readInbound(ctx: Context, limit: number): Promise<Inbound> {
  const header = ctx.get("Content-Type");
  const format = formatOf(ctx, header);
  const query = ctx.querystring === "" ? NO_FIELDS : ctx.query;
  if (format === "get") return { fields: mergeFields(query, NO_FIELDS), format };
  const text = await readText(ctx, header, limit);
  if (format === "xml") return { fields: mergeFields(query, parseXmlFields(text)), format };
  const body = format === "form" ? parseForm(text) : parseJson(text);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError("bad_json", "the JSON body must be an object of fields");
  }
  return { fields: mergeFields(query, body as Record<string, unknown>), format };
}

/** The format of a request, from its method and Content-Type; a 415 for a body in any other type. */
function formatOf(ctx: Context, header: string): InboundFormat {
  if (ctx.method === "GET" || ctx.method === "HEAD" || !hasBody(ctx)) return "get";
  const semicolon = header.indexOf(";");
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  const format = TYPES[type] ?? (type.endsWith("+json") ? "json" : undefined);
  if (format) return format;
  throw new RequestError(
    "unsupported_type",
    `Content-Type "${header || "(none)"}" is not supported; send a GET query, application/x-www-form-urlencoded, application/json or text/xml`,
  );
}

function hasBody(ctx: Context): boolean {
  return ctx.request.length > 0 || ctx.get("Transfer-Encoding") !== "";
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

const UTF8 = /^utf-?8$/i;

/** The body as text, decoded from the charset the Content-Type names (UTF-8 when it names none). */
async function readText(ctx: Context, header: string, limit: number): Promise<string> {
  const charset = CHARSET.exec(header)?.[1];
  const length = ctx.request.length;
  try {
    // UTF-8, nearly every call: read bytes and decode once (raw-body's decoder is iconv-lite's, for the others)
    if (charset === undefined || UTF8.test(charset)) return (await getRawBody(ctx.req, { length, limit })).toString();
    return await getRawBody(ctx.req, { length, limit, encoding: charset });
  } catch (error) {
    throw bodyError(error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (/^\s*$/.test(text)) return {}; // a body of blanks: no fields
    throw new RequestError("bad_body", `the body does not parse: ${(error as Error).message}`);
  }
}

function bodyError(error: unknown): RequestError {
  const status = (error as { status?: number }).status ?? 400;
  if (status === 413)
    return new RequestError("too_large", "the body is over the size limit; send only the call's fields");
  if (status === 415) return new RequestError("unsupported_charset", "the body's charset is not supported; send utf-8");
  const reason = error instanceof Error ? error.message : "unreadable body";
  return new RequestError("bad_body", `the body could not be read: ${reason}`);
}
