import { z } from "zod";
import { ROUTING_TARGETS } from "../call.js";
import { compileTemplate } from "../speech/template.js";
import { conditionSchema } from "./condition-schema.js";
import { duration, strict, text } from "./fields.js";

export const TARGETS: readonly string[] = ROUTING_TARGETS;

/** What `redirect` names for each routing target, for the "needs a redirect" message. */
const REDIRECT_NOUN: Record<string, string> = {
  dynamic: "the number to route to",
  dial: "the number to dial",
  announcement: "the announcement's name",
  menu: "the IVR menu's name",
  timecondition: "the time condition's name",
  sms: "the interactive SMS's name",
  queue: "the queue (department) to send the call to",
  extensions: "the extension to send the call to",
  voicemail: "the voicemail box",
  interactivemenu: "the integration step to go to",
};

/**
 * A template, parsed and held to its limits (`TEMPLATE_LIMITS`) as the file loads, so a template that could
 * never render is refused at start, at reload and by `check`, with the key it is under.
 */
function template<T extends z.ZodType<string | undefined>>(schema: T) {
  return schema.superRefine((source, ctx) => {
    if (source === undefined) return;
    try {
      compileTemplate(source);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message, input: source });
    }
  });
}

/** The reply schema knows the tenant's own codes, so `result` is checked where it is written. */
function replySchema(tenantCodes: readonly string[]) {
  const codes = tenantCodes.filter((code) => !TARGETS.includes(code)); // those are refused under `results`
  const allowed = [...codes, ...TARGETS].join(", ");
  return strict({
    result: text.describe("one of the tenant's `results` codes, or a routing target"),
    redirect: template(text.optional()).describe("the target's name or number (template); needed by routing targets"),
    say: template(z.string().optional()).describe("what the PBX reads to the caller (template)"),
  }).superRefine((reply, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message, input: reply });
    const isTarget = TARGETS.includes(reply.result);
    if (!isTarget && !codes.includes(reply.result)) {
      issue(
        "result",
        `"${reply.result}" is not a result code of this tenant nor a routing target; use one of: ${allowed}`,
      );
    } else if (isTarget && reply.result !== "hangup" && !reply.redirect) {
      issue("redirect", `result "${reply.result}" needs a redirect: ${REDIRECT_NOUN[reply.result] ?? "its target"}`);
    } else if (reply.redirect !== undefined && reply.result === "hangup") {
      issue("redirect", `the PBX ignores redirect with result "hangup"; remove it`);
    } else if (reply.redirect !== undefined && !isTarget) {
      issue(
        "redirect",
        `"${reply.result}" is a result code of this tenant, and the PBX ignores redirect with those; ` +
          `remove redirect, or use a routing target (${TARGETS.join(", ")}) as result`,
      );
    }
  });
}

export function stepSchema(codes: readonly string[]) {
  const reply = replySchema(codes);
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
