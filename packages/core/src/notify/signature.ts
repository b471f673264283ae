import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a signature's time may be from the receiver's clock, by default: Stripe's five minutes. */
export const DEFAULT_TOLERANCE_SEC = 300;

/**
 * The `X-Santral-Signature` header for a body, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. Signing the time with the body lets a receiver refuse a captured request replayed later.
 */
export function signature(secret: string, body: string, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export interface VerifyOptions {
  /** The most a signature's time may differ from `now` (default 300 s). */
  toleranceSec?: number;
  /** The receiver's clock, in unix seconds (default: now). */
  now?: number;
}

/**
 * Whether a signature header is the sender's for this body, made recently: what a tenant's receiver does
 * before trusting a delivery (the README's example follows this). Any one `v1` may match, so a secret can
 * be rotated with both listed. The digests are compared in constant time.
 */
export function verifySignature(header: string, body: string, secret: string, options: VerifyOptions = {}): boolean {
  const { toleranceSec = DEFAULT_TOLERANCE_SEC, now = Math.floor(Date.now() / 1000) } = options;
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (t === undefined || signatures.length === 0 || Math.abs(now - t) > toleranceSec) return false;
  const expected = Buffer.from(hmac(secret, t, body), "hex");
  let valid = false;
  // every candidate is compared, so the time taken does not tell which one matched
  for (const candidate of signatures) if (timingSafeEqual(Buffer.from(candidate, "hex"), expected)) valid = true;
  return valid;
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");
}
