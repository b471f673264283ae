import { z } from "zod";
import { parseWindow, type TimeWindow, WINDOW_FORMAT } from "../rules/hours.js";
import { oneOrMany, strict } from "./fields.js";

type Issues = { addIssue(issue: { code: "custom"; message: string; path: PropertyKey[]; input: unknown }): void };

function windows(value: unknown, path: PropertyKey[], ctx: Issues): TimeWindow[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  if (list.length === 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a window or a list of them; ${WINDOW_FORMAT}`,
      path,
      input: value,
    });
  }
  const out: TimeWindow[] = [];
  list.forEach((item: unknown, i) => {
    const where = Array.isArray(value) ? [...path, i] : path;
    try {
      if (typeof item !== "string") throw new Error(`${JSON.stringify(item)} is not a time window; ${WINDOW_FORMAT}`);
      out.push(parseWindow(item));
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message, path: where, input: item });
    }
  });
  return out;
}

/** `"09:00-18:00 mon-fri"`, a list of windows (any of them), or `{ not: … }` (outside all of them). */
const hours = z.unknown().transform((value, ctx): { not: boolean; windows: TimeWindow[] } => {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if (key !== "not")
        ctx.addIssue({ code: "custom", message: "unknown key; allowed here: not", path: [key], input: value });
    }
    return { not: true, windows: windows((value as { not?: unknown }).not, ["not"], ctx) };
  }
  return { not: false, windows: windows(value, [], ctx) };
});

export const conditionSchema = strict({
  known: z.boolean().optional().describe("the CRM found the caller"),
  vip: z.boolean().optional().describe("the contact is marked VIP"),
  withheld: z.boolean().optional().describe("the caller's number is hidden or unusable"),
  ambiguous: z.boolean().optional().describe("several contacts matched and the match policy could not pick one"),
  lookupFailed: z.boolean().optional().describe("the CRM could not tell (error or deadline)"),
  tag: oneOrMany.optional().describe("the contact has any of these tags"),
  field: z
    .record(z.string(), oneOrMany)
    .optional()
    .describe("contact.fields[name] equals one of the values, case-insensitive"),
  key: oneOrMany.optional().describe("the keys pressed equal one of these; `none`: no key pressed"),
  hours: hours.optional().describe(`a time window in the tenant's time zone, a list, or { not: … }; ${WINDOW_FORMAT}`),
});

/** A rule's `when`, as written but normalised: single values become lists, windows are parsed. */
export type Condition = z.output<typeof conditionSchema>;
