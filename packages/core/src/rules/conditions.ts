import type { Contact } from "@santral-hub/sdk";
import type { CallEvent } from "../call.js";
import type { Condition } from "../tenants/condition-schema.js";
import { foldTr } from "./fold.js";
import { inWindow, localMinuteOfWeek } from "./hours.js";

/** What a rule can look at: one call, after the lookup. */
export interface RuleFacts {
  /** The chosen contact, or null when not found, not looked up, or the lookup failed. */
  contact: Contact | null;
  call: CallEvent;
  /** Several candidates remained and the match policy could not pick one. */
  ambiguous: boolean;
  /** The CRM could not tell (error or deadline), as opposed to "not found". */
  lookupFailed: boolean;
  now: Date;
  timezone: string;
}

export type Predicate = (facts: RuleFacts) => boolean;

const always: Predicate = () => true;

function flag(expected: boolean, actual: (f: RuleFacts) => boolean): Predicate {
  return (f) => actual(f) === expected;
}

function tagPredicate(tags: string[]): Predicate {
  const wanted = new Set(tags.map(foldTr));
  return (f) => {
    const have = f.contact?.tags;
    if (!have) return false;
    for (const tag of have) if (wanted.has(foldTr(tag))) return true;
    return false;
  };
}

function fieldPredicate(name: string, values: string[]): Predicate {
  const wanted = new Set(values.map(foldTr));
  return (f) => {
    const fields = f.contact?.fields;
    // Own properties only: a field named `constructor` must not reach Object.prototype.
    const value = fields && Object.hasOwn(fields, name) ? fields[name] : undefined;
    return typeof value === "string" && wanted.has(foldTr(value));
  };
}

function keyPredicate(keys: string[]): Predicate {
  const wanted = new Set(keys.filter((k) => k !== "none"));
  const none = keys.includes("none");
  return (f) => (f.call.keys === undefined ? none : wanted.has(f.call.keys));
}

function hoursPredicate({ not, windows }: NonNullable<Condition["hours"]>): Predicate {
  return (f) => {
    const minute = localMinuteOfWeek(f.now, f.timezone);
    for (const window of windows) if (inWindow(window, minute)) return !not;
    return not;
  };
}

/** Compiles a `when` into one predicate at load time, so matching a call only runs closures. */
export function compileCondition(when: Condition | undefined): Predicate {
  if (!when) return always;
  const checks: Predicate[] = [];
  if (when.known !== undefined) checks.push(flag(when.known, (f) => f.contact !== null));
  if (when.vip !== undefined) checks.push(flag(when.vip, (f) => f.contact?.vip === true));
  if (when.withheld !== undefined) checks.push(flag(when.withheld, (f) => f.call.caller === null));
  if (when.ambiguous !== undefined) checks.push(flag(when.ambiguous, (f) => f.ambiguous));
  if (when.lookupFailed !== undefined) checks.push(flag(when.lookupFailed, (f) => f.lookupFailed));
  if (when.key) checks.push(keyPredicate(when.key));
  if (when.tag) checks.push(tagPredicate(when.tag));
  for (const [name, values] of Object.entries(when.field ?? {})) checks.push(fieldPredicate(name, values));
  // Last: the clock is the most expensive fact, and an earlier check usually decides.
  if (when.hours) checks.push(hoursPredicate(when.hours));
  const [first, second] = checks;
  if (!first) return always;
  if (checks.length === 1) return first;
  if (checks.length === 2 && second) return (f) => first(f) && second(f);
  return (f) => {
    for (const check of checks) if (!check(f)) return false;
    return true;
  };
}
