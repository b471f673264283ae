import { Liquid } from "liquidjs";
import { mask } from "./mask.js";

/** What a template can see: plain data about the contact and the call, never functions. */
export interface TemplateScope {
  contact: Record<string, unknown> | null;
  call: Record<string, unknown>;
}

export interface Template {
  (scope: TemplateScope): string;
  /** Reads nothing but the contact (no call data, no clock): the same contact always gives the same text. */
  contactOnly: boolean;
}

// Liquid is a data-only language; on top of that: own properties only (no prototype walk), no file
// system (an empty in-memory template map), unknown filters are errors, and bounded work per render.
const engine = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  templates: {},
  parseLimit: 10_000,
  renderLimit: 50,
  memoryLimit: 1_000_000,
});
for (const tag of ["include", "render", "layout", "block"]) delete (engine.tags as Record<string, unknown>)[tag];
engine.registerFilter("mask", mask);

/** Parses a template once, when the tenant file loads; a syntax error names what is wrong. */
export function compileTemplate(source: string): Template {
  if (!source.includes("{")) return Object.assign(() => source, { contactOnly: true });
  const parsed = engine.parse(source);
  const render = (scope: TemplateScope) =>
    String(engine.renderSync(parsed, scope as unknown as Record<string, unknown>));
  const reads = engine.globalVariablesSync(parsed);
  // `date` reads the clock ("now"), so its output changes with time even for one contact
  const contactOnly = reads.every((name) => name === "contact") && !/\|\s*date\b/.test(source);
  return Object.assign(render, { contactOnly });
}
