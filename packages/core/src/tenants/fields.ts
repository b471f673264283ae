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

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1500ms`, `2s`, `10m`, `1h`, or a number of milliseconds → milliseconds. */
export const duration = z.preprocess(
  (v) => (typeof v === "number" ? `${v}ms` : v),
  z.string().transform((value, ctx) => {
    const match = DURATION.exec(value.trim());
    if (!match) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration; write 1500ms, 2s, 10m or 1h`,
        input: value,
      });
      return z.NEVER;
    }
    return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 1));
  }),
);
