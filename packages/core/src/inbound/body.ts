import type { Context, Next } from "koa";
import { koaBody } from "koa-body";
import type { InboundFormat } from "../call.js";
import { RequestError } from "./errors.js";
import type { Fields } from "./fields.js";
import { mergeFields } from "./fields.js";
import { parseXmlFields } from "./xml.js";

const XML_TYPES = ["text/xml", "application/xml"];

export interface Inbound {
  fields: Fields;
  format: InboundFormat;
}

/**
 * Reads the four formats Netsantral sends on one URL into flat string fields: a GET query, a form, JSON or
 * XML body. Anything else with a body is a 415; a body over `limit` bytes a 413; one that does not parse a 400.
 */
export function inboundBody(limit: number) {
  const parse = koaBody({
    multipart: false,
    urlencoded: true,
    json: true,
    text: true,
    jsonStrict: true,
    textTypes: XML_TYPES,
    jsonLimit: limit,
    formLimit: limit,
    textLimit: limit,
    onError(error) {
      throw bodyError(error);
    },
  });
  return async (ctx: Context, next: Next) => {
    const format = formatOf(ctx);
    if (format === undefined) {
      throw new RequestError(
        "unsupported_type",
        `Content-Type "${ctx.get("Content-Type") || "(none)"}" is not supported; send a GET query, application/x-www-form-urlencoded, application/json or text/xml`,
      );
    }
    ctx.state.inboundFormat = format;
    await (format === "get" ? next() : parse(ctx, next));
  };
}

/** The format of a request, from its method and Content-Type (read once: type-is is costly per call). */
function formatOf(ctx: Context): InboundFormat | undefined {
  if (ctx.method === "GET" || ctx.method === "HEAD" || !hasBody(ctx)) return "get";
  const type = ctx.request.type;
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  if (XML_TYPES.includes(type)) return "xml";
  return undefined;
}

/** The merged fields of a request whose body `inboundBody` parsed. */
export function readInbound(ctx: Context): Inbound {
  const format: InboundFormat = ctx.state.inboundFormat ?? "get";
  const body: unknown = (ctx.request as { body?: unknown }).body;
  if (format === "get") return { fields: mergeFields(ctx.query, {}), format };
  if (format === "xml") return { fields: mergeFields(ctx.query, parseXmlFields(String(body))), format };
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError("bad_json", "the JSON body must be an object of fields");
  }
  return { fields: mergeFields(ctx.query, body as Record<string, unknown>), format };
}

function hasBody(ctx: Context): boolean {
  return ctx.request.length > 0 || ctx.get("Transfer-Encoding") !== "";
}

function bodyError(error: unknown): RequestError {
  const status = (error as { status?: number }).status ?? 400;
  if (status === 413)
    return new RequestError("too_large", "the body is over the size limit; send only the call's fields");
  if (status === 415) return new RequestError("unsupported_charset", "the body's charset is not supported; send utf-8");
  const reason = error instanceof Error ? error.message : "unreadable body";
  return new RequestError("bad_body", `the body does not parse: ${reason}`);
}
