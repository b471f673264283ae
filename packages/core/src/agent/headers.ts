import type { Context } from "koa";

/** Scripts, styles and connections from the hub only; no frames, no plugins, forms only to the hub. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers every response of the agent's page carries; nothing of it is cached unless `cache` says. */
export function secureHeaders(ctx: Context, cache = "no-store"): void {
  ctx.set({
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": cache,
  });
}
