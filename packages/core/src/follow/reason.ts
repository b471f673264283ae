import type { Found } from "../lookup/lookup-caller.js";
import type { Condition } from "../tenants/condition-schema.js";
import type { StepConfig } from "../tenants/types.js";

/**
 * Why a routing call went where it went, in `explain`'s words, for the card: "rule 1 matched: vip",
 * "the CRM could not tell (timeout): the fallback answered". Never the caller's data.
 */
export function routeReason(step: StepConfig, rule: number | "fallback", found: Found): string {
  if (rule === "fallback") {
    if (found.error) return `the CRM could not tell (${found.error.kind}): the fallback answered`;
    return "no rule matched: the fallback answered";
  }
  const when = step.rules[rule]?.when;
  const what = when ? describe(when) : "";
  return `rule ${rule + 1} of step ${step.name} matched${what ? `: ${what}` : ""}`;
}

function describe(when: Condition): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (typeof value === "boolean") parts.push(value ? key : `not ${key}`);
    else if (key === "hours") parts.push((value as { not: boolean }).not ? "outside hours" : "within hours");
    else if (key === "field") parts.push(...Object.keys(value as object).map((name) => `field ${name}`));
    else if (Array.isArray(value)) parts.push(`${key} ${value.join(" or ")}`);
  }
  return parts.join(", ");
}
