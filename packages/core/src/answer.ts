import type { Contact } from "@santral-hub/sdk";
import type { CallEvent, Decision } from "./call.js";
import { compiled, type LiveTenant, type PreparedTenant } from "./hub/live-tenant.js";
import type { Found } from "./lookup/lookup-caller.js";
import { matchRule, type RuleMatch } from "./rules/decide.js";
import { renderFor, TemplateRenderError } from "./speech/render.js";
import type { RenderFailure } from "./speech/template.js";
import type { StepConfig } from "./tenants/types.js";

export interface Answer {
  match: RuleMatch;
  decision: Decision;
  /** The rule whose redirect rendered empty, so the fallback answered instead; for the log and `explain`. */
  emptyRedirect?: number | "fallback";
  /**
   * Templates that failed to render or went over their budget, in order: the matched rule's, so the fallback
   * answered, then the fallback's own, so it answered bare (its result, and its redirect if that is plain
   * text). For the log and `explain`: which rule and key, and why; never the data.
   */
  renderFailed?: RenderFailed[];
}

export interface RenderFailed {
  rule: number | "fallback";
  key: "redirect" | "say" | undefined;
  reason: RenderFailure;
  message: string;
}

type Speech = { tokenField: string; maxLength: number };

/** Stages 5 and 6, shared by a call and `explain`: the step's rules decide, the reply is rendered. */
export function answer(tenant: LiveTenant, step: StepConfig, call: CallEvent, found: Found, now: Date): Answer {
  const { config } = tenant;
  // one literal, not a spread: a spread clone with extra properties took ~5 µs a call on the server
  const match = matchRule(step, {
    contact: found.contact,
    call,
    ambiguous: found.ambiguous,
    lookupFailed: found.failed,
    now,
    timezone: config.timezone,
  });
  const speech = { tokenField: config.tokenField, maxLength: config.speech.maxLength };
  const fallbackMatch: RuleMatch = { reply: step.fallback, rule: "fallback" };
  let decision: Decision;
  try {
    decision = renderFor(compiled(tenant, match.reply), found.contact, call, speech);
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    // a template over its budget (or failing on this contact's data) must not cost the caller: the fallback
    const failed = [failure(match.rule, error)];
    if (match.rule === "fallback") return { match, decision: bare(step), renderFailed: failed };
    const fallback = renderFallback(tenant, step, found.contact, call, speech);
    if (fallback.failed) failed.push(fallback.failed);
    return { match: fallbackMatch, decision: fallback.decision, renderFailed: failed };
  }
  if (!decision.redirect && needsRedirect(tenant, decision.result)) {
    // e.g. `redirect: "{{ contact.owner.extension }}"` for a contact without one: never route nowhere
    const fallback = renderFallback(tenant, step, found.contact, call, speech);
    return {
      match: fallbackMatch,
      decision: fallback.decision,
      emptyRedirect: match.rule,
      ...(fallback.failed ? { renderFailed: [fallback.failed] } : {}),
    };
  }
  return { match, decision };
}

/** True when `result` is one of the dialect's routing targets that route somewhere, so it needs a redirect. */
function needsRedirect(tenant: PreparedTenant, result: string): boolean {
  const target = tenant.config.dialect.targets.get(result);
  return target !== undefined && target.redirect !== null;
}

/** The step's fallback, rendered; never throws for a template (a failed one answers bare, and says so). */
export function renderFallback(
  tenant: PreparedTenant,
  step: StepConfig,
  contact: Contact | null,
  call: CallEvent,
  speech: Speech,
): { decision: Decision; failed?: RenderFailed } {
  try {
    return { decision: renderFor(compiled(tenant, step.fallback), contact, call, speech) };
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    return { decision: bare(step), failed: failure("fallback", error) };
  }
}

/** The fallback when even its own template fails: its result, and its redirect when that is plain text. */
function bare(step: StepConfig): Decision {
  const { result, redirect } = step.fallback;
  const decision: Decision = { status: "success", result };
  if (redirect && !redirect.includes("{") && redirect.trim()) decision.redirect = redirect.trim();
  return decision;
}

function failure(rule: number | "fallback", error: TemplateRenderError): RenderFailed {
  return { rule, key: error.key, reason: error.reason, message: error.message };
}
