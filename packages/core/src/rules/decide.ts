import type { ReplyConfig, StepConfig } from "../tenants/types.js";
import type { RuleFacts } from "./conditions.js";

export type { RuleFacts } from "./conditions.js";

export interface RuleMatch {
  reply: ReplyConfig;
  /** The index of the rule that matched in the step's `rules`, or `"fallback"`. */
  rule: number | "fallback";
}

/**
 * Picks the reply for one call: the first rule whose `when` holds, else the step's fallback.
 *
 * When the lookup failed, the CRM could not tell whether the caller is known, so a rule like
 * `known: false` (or one without `when`) must not fire as if the caller were a stranger: only rules that
 * say `lookupFailed: true` are tried, and without one the fallback answers.
 *
 * Pure and synchronous: conditions were compiled at load, so this only runs closures.
 */
export function matchRule(step: StepConfig, facts: RuleFacts): RuleMatch {
  const { rules } = step;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!rule) continue;
    if (facts.lookupFailed && rule.when?.lookupFailed !== true) continue;
    if (rule.test(facts)) return { reply: rule.reply, rule: i };
  }
  return { reply: step.fallback, rule: "fallback" };
}
