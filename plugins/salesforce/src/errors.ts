import { CrmError, type CrmErrorKind } from "@santral-hub/sdk";
import { PLUGIN_NAME } from "./name.js";
import type { MappedPath } from "./plan.js";

/** What was running when the error came: the token grant or one of the API calls. */
export type Stage = "token" | "search" | "query" | "users" | "describe" | "write";

export interface ErrorContext {
  stage: Stage;
  requestTimeoutMs: number;
  /** Every mapped path, to name the config key of a field Salesforce does not know. */
  mapped: readonly MappedPath[];
}

interface ApiError {
  name?: unknown;
  errorCode?: unknown;
  code?: unknown;
  message?: unknown;
}

const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "EPIPE"]);
const PERMISSION = /^(API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED|INSUFFICIENT_ACCESS\w*|NOT_ENABLED)$/;
const SERVER = /^(ERROR_HTTP_5\d\d|SERVER_UNAVAILABLE|UNKNOWN_EXCEPTION|SERVICE_UNAVAILABLE)$/;

/**
 * jsforce's error as a CrmError. Salesforce echoes the SOSL or SOQL in some messages, and those hold the
 * caller's number or typed digits: only the error code and names pulled out of the message are kept.
 */
export function toCrmError(error: unknown, ctx: ErrorContext): CrmError {
  if (error instanceof CrmError) return error;
  const e = (error ?? {}) as ApiError;
  const make = (kind: CrmErrorKind, text: string) => new CrmError(kind, PLUGIN_NAME, text, { cause: error });
  const netCode = typeof e.code === "string" ? e.code : "";
  if (e.name === "AbortError" || e.message === "Request Timeout") {
    return make("timeout", `Salesforce did not answer within requestTimeout (${ctx.requestTimeoutMs} ms)`);
  }
  const where = ctx.stage === "token" ? "the token endpoint (loginUrl)" : "the org's instance";
  if (NETWORK.has(netCode) || e.name === "FetchError") {
    return make("unavailable", `cannot reach ${where} (${netCode || "network error"})`);
  }
  const message = typeof e.message === "string" ? e.message : "";
  if (ctx.stage === "token") return tokenError(e, message, make);
  const code = typeof e.errorCode === "string" ? e.errorCode : typeof e.name === "string" ? e.name : "";
  if (code === "INVALID_SESSION_ID") {
    return make("auth", "Salesforce refused a fresh token too (INVALID_SESSION_ID): check the app's policies");
  }
  if (code === "REQUEST_LIMIT_EXCEEDED") return make("rate_limited", "the org's API request limit is used up");
  if (PERMISSION.test(code)) {
    return make("auth", `the integration user may not do this (${code}): give it API Enabled and read access`);
  }
  if (SERVER.test(code)) return make("unavailable", `Salesforce failed (${code})`);
  const named = namesIn(message, ctx.mapped);
  if (named) return make("bad_config", `${named} (${code})`);
  if (/^(INVALID_FIELD|INVALID_TYPE|NOT_FOUND|INVALID_QUERY_FILTER_OPERATOR)$/.test(code)) {
    const check = ctx.stage === "write" ? "callLog.externalId and the Task's fields" : "the names in objects";
    return make("bad_config", `Salesforce refused the ${ctx.stage} (${code}: ${message.trim()}): check ${check}`);
  }
  return make("unavailable", `Salesforce refused the ${ctx.stage} (${code || "unknown error"})`);
}

type Make = (kind: CrmErrorKind, text: string) => CrmError;

/** The token endpoint answers `{ error, error_description }`; jsforce makes `error` the name. */
function tokenError(e: ApiError, description: string, make: Make): CrmError {
  const code = typeof e.name === "string" ? e.name : "";
  if (/^ERROR_HTTP_5\d\d$/.test(code)) return make("unavailable", `the token endpoint failed (${code})`);
  // OAuth descriptions are fixed sentences ("invalid client credentials"); cut to be safe in a log line
  const said = /^[\w\s'.,:/-]{1,120}$/.test(description) ? `: ${description}` : "";
  return make("auth", `the token endpoint refused the credentials (${code || "error"}${said}); check auth`);
}

/** The field or object Salesforce says it does not know, with the config keys that map it. */
function namesIn(message: string, mapped: readonly MappedPath[]): string | undefined {
  const column = /No such column '([\w.]+)' on entity '(\w+)'/.exec(message);
  if (column) {
    const [, field = "", entity = ""] = column;
    return `${entity}.${field} is no field Salesforce knows${at(mapped, field)}`;
  }
  const relation = /Didn't understand relationship '(\w+)'/.exec(message);
  if (relation) return `${relation[1]} is no relationship Salesforce knows${at(mapped, relation[1] ?? "")}`;
  const type = /sObject type '(\w+)' is not supported/.exec(message);
  if (type) return `Salesforce has no object ${type[1]}, or the integration user may not read it`;
  const filter = /field '(\w+)' must be of type (\w+)/.exec(message);
  if (filter) return `customerNumber.field ${filter[1]} is a ${filter[2]} field: map a text field`;
  return undefined;
}

function at(mapped: readonly MappedPath[], name: string): string {
  const lower = name.toLowerCase();
  const where = mapped
    .filter((m) => m.path.toLowerCase().split(".").includes(lower))
    .map((m) => m.where)
    .filter((w, i, all) => all.indexOf(w) === i);
  return where.length > 0 ? `, mapped at ${where.join(", ")}` : "";
}
