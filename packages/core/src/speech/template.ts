import {
  CaptureTag,
  Context,
  type Emitter,
  ForTag,
  Liquid,
  type Template as LiquidTemplate,
  TypeGuards,
  toValue,
  toValueSync,
  Value,
} from "liquidjs";
import { LRUCache } from "lru-cache";
import { mask } from "./mask.js";

/** What a template can see: plain data about the contact and the call, never functions. */
export interface TemplateScope {
  contact: Record<string, unknown> | null;
  call: Record<string, unknown>;
}

export interface Template {
  /** Renders the template; throws a `TemplateRenderError` when it fails or goes over `TEMPLATE_LIMITS`. */
  (scope: TemplateScope): string;
  /** Reads nothing but the contact (no call data, no clock): the same contact always gives the same text. */
  contactOnly: boolean;
}

/**
 * What one template may cost. All are counts, never a clock: a template that fits answers the same on a
 * cold process as on a warm one, and no template can hold the event loop (every tenant's calls) for long.
 * What the source alone decides is checked when the tenant file loads; what depends on the data (a loop
 * over `contact.tags`, a long field) is counted as the template renders.
 */
export const TEMPLATE_LIMITS = {
  /** Characters of template source. */
  length: 4_000,
  /** Tags, `{{ … }}` outputs and text pieces in the source. */
  parts: 300,
  /** Filters (`| mask`, `| upcase`, …) in the source. */
  filters: 100,
  /** Template parts rendered in one render, loop iterations included. */
  steps: 500,
  /** Characters and items one render may produce: filter results, ranges, captures and output. */
  memory: 20_000,
  /** Array items handed to filters in one render (`where`, `map`, `sort` cost µs an item, not ns). */
  items: 1_000,
  /** Characters of rendered text. */
  output: 4_000,
} as const;

export type RenderFailure = "steps" | "memory" | "items" | "output" | "error";

/** A render that failed or went over its budget: the call answers its step's fallback instead. */
export class TemplateRenderError extends Error {
  override readonly name = "TemplateRenderError";
  constructor(
    readonly reason: RenderFailure,
    message: string,
    /** The reply's key whose template failed, once the reply knows it. */
    readonly key?: "redirect" | "say",
  ) {
    super(message);
  }
}

// Tags a spoken greeting or a redirect has no use for, or that reach outside the template: file access
// (include, render, layout, block) and HTML tables (tablerow, a loop of its own).
const REMOVED_TAGS = ["include", "render", "layout", "block", "tablerow"];
// Filters that evaluate an expression per item (~10 µs each, far more than the memory count charges them)
// and `sample`, which is random: the same contact must always hear the same text.
const REMOVED_FILTERS = ["where_exp", "reject_exp", "group_by_exp", "has_exp", "find_index_exp", "find_exp", "sample"];

// Liquid is a data-only language; on top of that: own properties only (no prototype walk), no file
// system (an empty in-memory template map), unknown filters are errors. Work is bounded per render by
// `Budget` below, not by liquidjs's `renderLimit`, which is a time limit (and so depends on the JIT).
const engine = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  templates: {},
  parseLimit: TEMPLATE_LIMITS.length,
});
for (const tag of REMOVED_TAGS) delete (engine.tags as Record<string, unknown>)[tag];
for (const filter of REMOVED_FILTERS) engine.unregisterFilter(filter);
engine.registerFilter("mask", mask);

/**
 * One render's counters, given to liquidjs in place of its limiters: liquidjs calls `check` before each
 * template part it renders (its time check) and `use` for what its filters and ranges allocate.
 */
class Budget {
  steps = 0;
  memory = 0;
  items = 0;
  output = 0;
  exceeded: RenderFailure | undefined;

  readonly stepLimiter = { check: () => this.step() };
  readonly memoryLimiter = { use: (count: number) => this.alloc(count) };

  step(): void {
    if (++this.steps > TEMPLATE_LIMITS.steps) this.fail("steps");
  }

  alloc(count: number): void {
    if (!(+count > 0)) return; // as liquidjs's own limiter: NaN and negatives cost nothing
    this.memory += +count;
    if (this.memory > TEMPLATE_LIMITS.memory) this.fail("memory");
  }

  filterItems(count: number): void {
    this.items += count;
    if (this.items > TEMPLATE_LIMITS.items) this.fail("items");
  }

  write(length: number): void {
    this.alloc(length);
    this.output += length;
    if (this.output > TEMPLATE_LIMITS.output) this.fail("output");
  }

  private fail(reason: RenderFailure): never {
    this.exceeded = reason;
    throw new TemplateRenderError(reason, OVER[reason]);
  }
}

const OVER: Record<RenderFailure, string> = {
  steps: `the template rendered more than ${TEMPLATE_LIMITS.steps} parts (loop iterations included)`,
  memory: `the template produced more than ${TEMPLATE_LIMITS.memory} characters or items`,
  items: `the template's filters were given more than ${TEMPLATE_LIMITS.items} list items`,
  output: `the template's text is longer than ${TEMPLATE_LIMITS.output} characters`,
  error: "the template failed to render",
};

/** liquidjs's text for an output value (its own `stringify` is not exported). */
function stringify(value: unknown): string {
  const v = toValue(value);
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(stringify).join("");
  return String(v);
}

/** Collects rendered text, charging every piece to the render's budget before it is kept. */
class BudgetEmitter implements Emitter {
  buffer = "";
  constructor(
    private readonly budget: Budget,
    /** False for a `capture`'s text, which is memory, and output only once it is written out. */
    private readonly isOutput: boolean,
  ) {}
  write(html: unknown): void {
    const text = stringify(html);
    if (this.isOutput) this.budget.write(text.length);
    else this.budget.alloc(text.length);
    this.buffer += text;
  }
}

/** The budget of each render in progress, for the filters and tags below (a render has one Context). */
const budgets = new WeakMap<Context, Budget>();

// Every filter charges the list it is given, item by item, to the render's budget.
for (const [name, impl] of Object.entries(engine.filters)) {
  const handler = typeof impl === "function" ? impl : impl.handler;
  const counted = function (this: ThisParameterType<typeof handler>, value: unknown, ...args: unknown[]) {
    if (Array.isArray(value)) budgets.get(this.context)?.filterItems(value.length);
    return handler.apply(this, [value, ...args]);
  };
  engine.registerFilter(name, typeof impl === "function" ? counted : { handler: counted, raw: impl.raw });
}

// `capture` renders into a text of its own; this one charges that text to the budget too, so a capture that
// doubles itself (`{% capture x %}{{x}}{{x}}{% endcapture %}`, 30 times over) stops at the memory limit.
class BudgetedCapture extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    const budget = budgets.get(ctx);
    const emitter = budget ? new BudgetEmitter(budget, false) : undefined;
    const html: string = yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter);
    ctx.bottom()[this.variable] = html;
  }
}
engine.registerTag("capture", BudgetedCapture);

/** Renders a parsed template on a fresh budget; any failure is a `TemplateRenderError`. */
function renderBounded(parsed: LiquidTemplate[], scope: TemplateScope): string {
  const budget = new Budget();
  const ctx = new Context(
    scope,
    engine.options,
    { sync: true },
    {
      liquid: engine,
      renderLimit: budget.stepLimiter as unknown as Context["renderLimit"],
      memoryLimit: budget.memoryLimiter as unknown as Context["memoryLimit"],
    },
  );
  budgets.set(ctx, budget);
  const emitter = new BudgetEmitter(budget, true);
  try {
    return toValueSync(engine.renderer.renderTemplates(parsed, ctx, emitter)) as string;
  } catch (error) {
    if (budget.exceeded) throw new TemplateRenderError(budget.exceeded, OVER[budget.exceeded]);
    // a liquidjs error message can quote a value being filtered, so only its position is kept
    const at = /line:\d+, col:\d+/.exec((error as Error).message)?.[0];
    throw new TemplateRenderError("error", at ? `${OVER.error} at ${at}` : OVER.error);
  }
}

/** What the source alone says a template costs, to refuse at load what would fail on every call. */
interface StaticCost {
  parts: number;
  filters: number;
  /** Parts rendered at most, where every loop over data counts once and a loop over `(a..b)` its size. */
  steps: number;
}

/** `(1..500)` → 500, `limit: 3` → at most 3; `undefined` when the count depends on the data. */
function literalIterations(loop: ForTag): number | undefined {
  const { collection } = loop;
  let count: number | undefined;
  if (TypeGuards.isRangeToken(collection)) {
    const { lhs, rhs } = collection;
    if (TypeGuards.isNumberToken(lhs) && TypeGuards.isNumberToken(rhs))
      count = Math.max(0, Math.floor(rhs.content) - Math.ceil(lhs.content) + 1);
  }
  const limit = loop.hash.hash.limit;
  if (TypeGuards.isNumberToken(limit)) count = Math.min(count ?? Number.POSITIVE_INFINITY, Math.max(0, limit.content));
  return count === Number.POSITIVE_INFINITY ? undefined : count;
}

function staticCost(templates: LiquidTemplate[]): StaticCost {
  const cost: StaticCost = { parts: 0, filters: 0, steps: 1 }; // liquidjs checks once per block, then per part
  for (const tpl of templates) {
    cost.parts += 1;
    cost.steps += 1;
    for (const arg of tpl.arguments?.() ?? []) if (arg instanceof Value) cost.filters += arg.filters.length;
    if (tpl instanceof ForTag) {
      const body = staticCost(tpl.templates);
      const orElse = staticCost(tpl.elseTemplates);
      cost.parts += body.parts + orElse.parts;
      cost.filters += body.filters + orElse.filters;
      cost.steps += Math.max(body.steps * (literalIterations(tpl) ?? 1), orElse.steps);
    } else if (tpl.children) {
      const inner = staticCost(toValueSync(tpl.children(false, true)));
      cost.parts += inner.parts;
      cost.filters += inner.filters;
      cost.steps += inner.steps;
    }
  }
  return cost;
}

/** Refuses at load a template whose source alone is over a limit; the message says what to change. */
function checkStatic(parsed: LiquidTemplate[]): void {
  const cost = staticCost(parsed);
  const L = TEMPLATE_LIMITS;
  if (cost.parts > L.parts)
    throw new Error(`the template has ${cost.parts} tags, outputs and text pieces, over the limit of ${L.parts}`);
  if (cost.filters > L.filters)
    throw new Error(`the template has ${cost.filters} filters, over the limit of ${L.filters}`);
  if (cost.steps > L.steps)
    throw new Error(
      `the template would render ${cost.steps} parts (its loops over ranges included), over the limit of ` +
        `${L.steps}; loop over fewer items or put less in the loop`,
    );
  for (const loop of loops(parsed)) {
    const n = literalIterations(loop);
    if (n !== undefined && n > L.memory)
      throw new Error(`the loop "${loop.token.getText()}" has ${n} items, over the limit of ${L.memory}`);
  }
}

function* loops(templates: LiquidTemplate[]): Generator<ForTag> {
  for (const tpl of templates) {
    if (tpl instanceof ForTag) yield tpl;
    if (tpl.children) yield* loops(toValueSync(tpl.children(false, true)));
  }
}

/** Parses a template once, when the tenant file loads; a syntax error or a limit names what is wrong. */
export function compileTemplate(source: string): Template {
  let template = compiledTemplates.get(source);
  if (!template) {
    template = compileOnce(source);
    compiledTemplates.set(source, template);
  }
  return template;
}

/**
 * Templates by source: a tenant file's are checked when it is read and compiled again when it starts, and
 * a reseller's tenants mostly share theirs. A template holds no state of its own, so one serves them all.
 */
const compiledTemplates = new LRUCache<string, Template>({ max: 2000 });

function compileOnce(source: string): Template {
  if (!source.includes("{")) return Object.assign(() => source, { contactOnly: true });
  if (source.length > TEMPLATE_LIMITS.length)
    throw new Error(`the template is ${source.length} characters long, over the limit of ${TEMPLATE_LIMITS.length}`);
  let parsed: LiquidTemplate[];
  try {
    parsed = engine.parse(source);
  } catch (error) {
    throw new Error(`the template does not parse: ${(error as Error).message}`);
  }
  checkStatic(parsed);
  const render = (scope: TemplateScope) => renderBounded(parsed, scope);
  const reads = engine.globalVariablesSync(parsed);
  // `date` reads the clock ("now"), so its output changes with time even for one contact
  const contactOnly = reads.every((name) => name === "contact") && !/\|\s*date\b/.test(source);
  return Object.assign(render, { contactOnly });
}
