import { z } from "zod";

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as tenant files write it — `1500ms`, `2s`, `10m`, `1h`, or a number of milliseconds — parsed
 * to milliseconds. For plugin config schemas, so every time-out reads the same way in every file.
 */
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
