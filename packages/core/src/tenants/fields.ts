// Field types shared by the tenant file schemas.
import { z } from "zod";

/** A strict object: a typo is an error that lists the keys allowed there. */
export function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key; allowed here: ${allowed}` : undefined),
  });
}

/** A string; a YAML number (`key: 1`, `redirect: 101`) is taken as the digits the user wrote. */
export const text = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string());

/** One value or a list of them, always a non-empty list after parsing. */
export const oneOrMany = z.preprocess(
  (v) => (v === undefined || Array.isArray(v) ? v : [v]),
  z.array(text.pipe(z.string().trim().min(1, "empty; write a value"))).min(1, "empty list; give at least one value"),
);

/** `1500ms`, `2s`, `10m`, `1h`, or a number of milliseconds → milliseconds (the sdk's, shared with plugins). */
export { duration } from "@santral-hub/sdk";

/**
 * A tenant's call budget, as a token bucket: `perSecond` calls a second on average and up to `burst` at once
 * (default: twice the rate, at least 1). `perSecond: 0` means unlimited. A call past it is still answered:
 * the step's fallback, without asking the CRM or the cache.
 */
export const rateLimitSchema = strict({
  perSecond: z.number().min(0, "use 0 (unlimited) or more").describe("calls a second; 0: unlimited"),
  burst: z.number().int().min(1, "use 1 or more").optional().describe("calls at once; default: twice perSecond"),
});

export type RateLimit = z.output<typeof rateLimitSchema>;
