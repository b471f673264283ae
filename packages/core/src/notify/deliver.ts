import { signature } from "./signature.js";

/** A tenant's webhook: where its own software takes the hub's notifications. */
export interface Webhook {
  url: string;
  /** Signs every delivery; the receiver checks it with `verifySignature`'s recipe. */
  secret: string;
  /** Gives up waiting for the receiver's answer after this long (default 5000 ms). */
  timeoutMs?: number;
}

export interface Delivery {
  /** The JSON body, sent as it is; never logged. */
  body: string;
  /** The same for every try of one notification, so the receiver can take it once. */
  idempotencyKey: string;
  /** What happened, e.g. `call.ringing`. */
  event: string;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A delivery that failed. `retryable` says whether trying the same delivery later may succeed: yes for
 * network errors, time-outs, 408, 409, 425, 429, 5xx and any status not listed below; no for a redirect
 * (never followed: the webhook's URL must be the final one) and for the 4xx statuses that say this request
 * itself is refused and will be again (400, 401, 403, 404, 405, 410, 413, 415, 422). A refused secret
 * (401/403) is not retried either: the tenant fixes it, then an operator retries the dead deliveries.
 * The message names the host and the status, never the body or the URL's path and query (which may hold a
 * token).
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The receiver's HTTP status, when it answered. */
    readonly status: number | undefined,
    /** How long the try took. */
    readonly ms: number,
  ) {
    super(message);
  }
}

const REFUSED = new Set([400, 401, 403, 404, 405, 410, 413, 415, 422]);

/** Whether a non-2xx status is worth trying again later. */
export function retryableStatus(status: number): boolean {
  if (status >= 300 && status < 400) return false;
  return !REFUSED.has(status);
}

/**
 * POSTs one delivery to a webhook, signed now (each try gets a fresh time, so a retry hours later is
 * still within the receiver's tolerance). Resolves on a 2xx; throws a `DeliveryError` otherwise.
 */
export async function deliver(webhook: Webhook, delivery: Delivery): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = webhook.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    throw new DeliveryError("the webhook's URL is not a URL", false, undefined, 0);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DeliveryError(`the webhook's URL is not http(s) but ${url.protocol}`, false, undefined, 0);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "santral-hub",
        "X-Santral-Signature": signature(webhook.secret, delivery.body),
        "X-Santral-Event": delivery.event,
        "Idempotency-Key": delivery.idempotencyKey,
      },
      body: delivery.body,
      // a redirect is not followed: it would carry the signed body wherever the Location points
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const ms = elapsed();
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new DeliveryError(`${url.host} did not answer within ${timeoutMs} ms`, true, undefined, ms);
    }
    throw new DeliveryError(`could not reach ${url.host}: ${reason(error)}`, true, undefined, ms);
  }
  // the answer's body is not needed: dropped, so a large or slow one costs nothing
  await response.body?.cancel().catch(() => {});
  const ms = elapsed();
  const { status } = response;
  if (status >= 200 && status < 300) return { status, ms };
  if (status >= 300 && status < 400) {
    throw new DeliveryError(
      `${url.host} answered ${status}, a redirect, which is not followed: give the webhook its final URL`,
      false,
      status,
      ms,
    );
  }
  throw new DeliveryError(`${url.host} answered ${status}`, retryableStatus(status), status, ms);
}

/** fetch's "fetch failed" says nothing; its cause's code does (ECONNREFUSED, ENOTFOUND, a TLS error). */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return (error as Error).message;
}
