import type { CallEvent } from "../call.js";
import type { Found } from "../lookup/lookup-caller.js";
import type { StepConfig } from "../tenants/types.js";

/**
 * The sentences an operator reads first when a caller was not recognised, or not as expected: what was
 * asked, and at which stage the caller was lost.
 */
export function explainNotes(at: {
  /** The caller's number as given to `explain`. */
  input: string;
  step: StepConfig;
  call: CallEvent;
  found: Found;
  emptyRedirect: number | "fallback" | undefined;
  /** What the plugin says it searched, for a miss. */
  searched?: string[] | undefined;
}): string[] {
  const { input, step, call, found } = at;
  const notes: string[] = [];
  if (input.trim() === "") notes.push("no number given: the call is treated as withheld");
  else if (!call.caller) notes.push(`"${input}" is not a phone number: a call from it is treated as withheld`);

  if (step.lookup === "none") notes.push(`step "${step.name}" does not look the caller up (lookup: none)`);
  if (step.lookup === "customerNumber") {
    if (call.keys === undefined) {
      notes.push(`step "${step.name}" looks the caller up by the customer number typed; none was given`);
    } else if (!/^\d+$/.test(call.keys)) {
      notes.push(`"${call.keys}" is not a customer number (digits only): nothing was looked up`);
    } else notes.push("records found by a typed customer number are not checked against the caller's phone");
  }

  if (found.error) {
    notes.push(`the CRM could not tell (${found.error.kind}: ${found.error.message}): the step's fallback answers`);
  } else if (found.choice) {
    const where = at.searched?.length ? ` in ${at.searched.join(", ")}` : "";
    const what =
      step.lookup === "customerNumber"
        ? ` with customer number ${call.keys}`
        : call.caller
          ? ` for any of the ${call.caller.variants.length} shapes`
          : "";
    const asked = step.lookup !== "customerNumber" || /^\d+$/.test(call.keys ?? "");
    if (found.candidates === 0 && asked) notes.push(`the CRM returned no record${what}${where}`);
    else if (found.kept.length === 0)
      notes.push("every record the CRM returned is a near miss: none carries the number");
    const { choice } = found;
    if (choice.overLimit) notes.push("more records carry the number than match.limit: the call is ambiguous");
    else if (choice.ambiguous) notes.push("no resolver could pick one of the records: the call is ambiguous");
    if (choice.pool.length === 0 && found.kept.length > 0) {
      notes.push("only company records carry the number, and match.companyFallback is off");
    }
    if (choice.companyFallback && choice.contact) notes.push("no person carries the number: a company record answers");
    if (choice.nameWithheld) {
      notes.push("the records share one owner, who gets the call; they are different people, so no name is said");
    }
  }
  if (at.emptyRedirect !== undefined) {
    const which = at.emptyRedirect === "fallback" ? "the fallback" : `rule ${at.emptyRedirect}`;
    notes.push(`${which}'s redirect rendered empty for this contact, so the step's fallback answers`);
  }
  return notes;
}
