import type { Contact } from "@santral-hub/sdk";
import type { CallEvent, Decision } from "../call.js";
import type { ReplyConfig } from "../tenants/types.js";
import { speak } from "./speak.js";
import { compileTemplate, type Template, TemplateRenderError, type TemplateScope } from "./template.js";

export { TemplateRenderError } from "./template.js";

export interface CompiledReply {
  result: string;
  redirect?: Template;
  say?: Template;
  /**
   * Decisions already rendered, by contact, when every template reads only the contact: a repeat caller
   * answered from the in-memory cache brings the same contact object, and rendering is most of a call's cost.
   * A render that failed is kept too: it fails the same way every time, so its budget is spent once.
   */
  rendered?: WeakMap<object, Decision | TemplateRenderError>;
}

/** A reply's template that is refused when the tenant file loads; `path` ends with the key (`….say`). */
export class ReplyCompileError extends Error {
  override readonly name = "ReplyCompileError";
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** Stands for "no contact" in the `rendered` memo. */
const UNKNOWN = {};

/**
 * Compiles a reply's templates; a syntax error or a template over its limits throws a `ReplyCompileError`
 * naming the key inside the tenant file (`steps.welcome.rules[0].reply.say`).
 */
export function compileReply(reply: ReplyConfig, path: string): CompiledReply {
  const compiled: CompiledReply = { result: reply.result };
  for (const key of ["redirect", "say"] as const) {
    const source = reply[key];
    if (source === undefined) continue;
    try {
      compiled[key] = compileTemplate(source);
    } catch (error) {
      throw new ReplyCompileError(`${path}.${key}`, (error as Error).message);
    }
  }
  if (compiled.redirect?.contactOnly !== false && compiled.say?.contactOnly !== false)
    compiled.rendered = new WeakMap();
  return compiled;
}

/**
 * Stage 6 for one call: `render`, or the decision this reply already rendered for this contact. Throws a
 * `TemplateRenderError` when a template fails or goes over its budget (the caller answers the fallback).
 */
export function renderFor(
  reply: CompiledReply,
  contact: Contact | null,
  call: CallEvent,
  opts: { tokenField: string; maxLength: number },
): Decision {
  const memo = reply.rendered;
  const cached = memo?.get(contact ?? UNKNOWN);
  if (cached instanceof TemplateRenderError) throw cached;
  if (cached) return cached;
  let decision: Decision;
  try {
    decision = render(reply, templateScope(contact, call, opts.tokenField), opts.maxLength);
  } catch (error) {
    if (error instanceof TemplateRenderError) memo?.set(contact ?? UNKNOWN, error);
    throw error;
  }
  memo?.set(contact ?? UNKNOWN, Object.freeze(decision));
  return decision;
}

/** What templates see of a contact: its data, with `name` filled from its parts when the CRM has none. */
export function templateScope(contact: Contact | null, call: CallEvent, tokenField: string): TemplateScope {
  const name =
    contact && (contact.name ?? ([contact.firstName, contact.lastName].filter(Boolean).join(" ") || undefined));
  return {
    contact: contact ? { ...contact, name } : null,
    call: {
      id: call.callId,
      caller: !call.caller ? "" : call.caller.country === "TR" ? `0${call.caller.national}` : call.caller.e164,
      called: call.called,
      pbx: call.pbx,
      keys: call.keys ?? "",
      // the token is a secret: a template must not be able to read it back to the caller
      vars: Object.fromEntries(Object.entries(call.vars).filter(([k]) => k !== tokenField)),
    },
  };
}

/** Stage 6: the decision, with its redirect rendered and its speech made safe for the PBX's TTS. */
export function render(reply: CompiledReply, scope: TemplateScope, maxLength: number): Decision {
  const decision: Decision = { status: "success", result: reply.result };
  const redirect = renderKey(reply, "redirect", scope)?.trim();
  if (redirect) decision.redirect = redirect;
  const text = renderKey(reply, "say", scope);
  const say = text !== undefined ? speak(text, maxLength) : "";
  if (say) decision.say = say;
  return decision;
}

/** One of the reply's templates; a failure says which key it was. */
function renderKey(reply: CompiledReply, key: "redirect" | "say", scope: TemplateScope): string | undefined {
  try {
    return reply[key]?.(scope);
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new TemplateRenderError(error.reason, error.message, key);
    throw error;
  }
}
