/**
 * What went wrong with one request to HubSpot, read off whatever @hubspot/api-client threw: an
 * `ApiException` (status, HubSpot's error body as the client keeps it, headers), node-fetch's
 * `FetchError` (no answer), or a plain Error (an answer that was not JSON, e.g. a proxy's HTML 502).
 */
export interface Failure {
  /** The HTTP status; absent when nothing usable came back. */
  status?: number;
  /** HubSpot's `category` (`INVALID_AUTHENTICATION`, `EXPIRED_AUTHENTICATION`, `MISSING_SCOPES`, …). */
  category?: string;
  /** HubSpot's `message`; may quote request values, so it is never logged as is. */
  message?: string;
  /** The 429's policy: `SECONDLY`, `TEN_SECONDLY_ROLLING`, `DAILY`. */
  policy?: string;
  /** `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** The socket error code (`ECONNREFUSED`, …) when HubSpot was not reached. */
  code?: string;
  /** The scopes a 403 names as required. */
  scopes?: string[];
}

interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

export function failureOf(error: unknown): Failure {
  const e = error as Partial<ApiExceptionLike> & { name?: unknown; code?: unknown; failure?: Failure };
  if (e?.failure) return e.failure;
  if (typeof e?.code === "number" && "headers" in e) {
    return fromAnswer(e.code, e.body, e.headers ?? {});
  }
  if (e?.name === "FetchError") {
    return { code: typeof e.code === "string" ? e.code : "no answer" };
  }
  return {};
}

/** A failure from an answer's status, its body (parsed or not) and headers (any case). */
export function fromAnswer(status: number, body: unknown, headers: Record<string, string>): Failure {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const failure: Failure = { status };
  const category = text(b.category) ?? text(b.errorType) ?? text(b.status);
  if (category && category !== "error") failure.category = category;
  const message = text(b.message);
  if (message) failure.message = message;
  // the client's error model drops `policyName`, but keeps the message that names the policy
  const policy = text(b.policyName) ?? policyOf(message ?? "");
  if (status === 429 && policy) failure.policy = policy;
  const retryAfter = retryAfterMs(header(headers, "retry-after"));
  if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
  const scopes = requiredScopes(b.errors);
  if (scopes.length > 0) failure.scopes = scopes;
  return failure;
}

function policyOf(message: string): string | undefined {
  if (/ten.?secondly/i.test(message)) return "TEN_SECONDLY_ROLLING";
  if (/secondly/i.test(message)) return "SECONDLY";
  if (/daily/i.test(message)) return "DAILY";
  return undefined;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** `Retry-After` in seconds or as an HTTP date → ms from now. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function requiredScopes(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e) => {
    const context = (e as { context?: Record<string, unknown> })?.context ?? {};
    return Object.entries(context)
      .filter(([key]) => /scopes/i.test(key))
      .flatMap(([, list]) => (Array.isArray(list) ? list.filter((s): s is string => typeof s === "string") : []));
  });
}
