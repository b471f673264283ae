import { z } from "zod";
import type { Dialect } from "../dialects/dialect.js";
import { compileTemplate } from "../speech/template.js";
import { conditionSchema } from "./condition-schema.js";
import { duration, strict, text } from "./fields.js";

/**
 * A template, parsed and held to its limits (`TEMPLATE_LIMITS`) as the file loads, so a template that could
 * never render is refused at start, at reload and by `check`, with the key it is under.
 */
export function template<T extends z.ZodType<string | undefined>>(schema: T) {
  return schema.superRefine((source, ctx) => {
    if (source === undefined) return;
    try {
      compileTemplate(source);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message, input: source });
    }
  });
}

/**
 * The reply schema knows the tenant's own codes and its dialect's routing targets, so `result` and
 * `redirect` are checked where they are written.
 */
function replySchema(tenantCodes: readonly string[], dialect: Dialect) {
  const { targets } = dialect;
  const names = [...targets.keys()];
  const codes = tenantCodes.filter((code) => !targets.has(code)); // those are refused under `results`
  const allowed = [...codes, ...names].join(", ");
  return strict({
    result: text.describe("one of the tenant's `results` codes, or a routing target"),
    redirect: template(text.optional()).describe("the target's name or number (template); needed by routing targets"),
    say: template(z.string().optional()).describe("what the PBX reads to the caller (template)"),
  }).superRefine((reply, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message, input: reply });
    const target = targets.get(reply.result);
    if (!target && !codes.includes(reply.result)) {
      issue(
        "result",
        `"${reply.result}" is not a result code of this tenant nor a routing target; use one of: ${allowed}`,
      );
    } else if (target && target.redirect !== null && !reply.redirect) {
      issue("redirect", `result "${reply.result}" needs a redirect: ${target.redirect}`);
    } else if (reply.redirect !== undefined && target?.redirect === null) {
      issue("redirect", `the PBX ignores redirect with result "${reply.result}"; remove it`);
    } else if (reply.redirect !== undefined && !target) {
      issue(
        "redirect",
        `"${reply.result}" is a result code of this tenant, and the PBX ignores redirect with those; ` +
          `remove redirect, or use a routing target (${names.join(", ")}) as result`,
      );
    }
  });
}

/** What a rule or fallback answers. `redirect` and `say` are templates, rendered by the speech stage. */
export type ReplyConfig = z.output<ReturnType<typeof replySchema>>;

/** One step of a tenant file, for a file whose `results` define `codes` and whose PBX speaks `dialect`. */
export function stepSchema(codes: readonly string[], dialect: Dialect) {
  const reply = replySchema(codes, dialect);
  return strict({
    lookup: z
      .enum(["phone", "customerNumber", "none"])
      .default("phone")
      .describe("what to look the caller up by: phone, customerNumber (the digits typed) or none"),
    deadline: duration.optional().describe("how long the caller may wait for the CRM; default: the tenant's"),
    rules: z
      .array(strict({ when: conditionSchema.optional(), reply }))
      .min(1, "a step needs at least one rule")
      .describe("first match wins; a rule without `when` always matches"),
    fallback: reply.describe("the reply when the CRM could not tell"),
  });
}

// Digit-only names are refused too: JS objects list such keys first, so the default step would move.
export const stepName = z
  .string()
  .regex(
    /^[a-z0-9_-]*[a-z][a-z0-9_-]*$/,
    "a step name uses a-z, 0-9, _ and -, with at least one letter (it is part of the URL)",
  );

/** One step as its file writes it (`name`, `deadlineMs` and compiled rules are added as the tenant is built). */
export type StepFile = z.output<ReturnType<typeof stepSchema>>;

/** What to look the caller up by: the number, the digits typed, or nothing. */
export type LookupKind = StepFile["lookup"];
