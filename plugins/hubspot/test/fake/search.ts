import { ERRORS } from "./errors.js";
import { DEFAULT_PROPERTIES, type FakeRecord, type FakeStore, type ObjectType } from "./store.js";

/** HubSpot's caps on one search (CRM-NOTES: pages say 5 groups, 6 filters a group, 18 in all; 200 a page). */
export const LIMITS = { groups: 5, filtersPerGroup: 6, filters: 18, values: 100, page: 200 };

const OPERATORS = new Set(["EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN"]);

interface Filter {
  propertyName?: unknown;
  operator?: unknown;
  value?: unknown;
  values?: unknown;
}

type Answer = { status: number; body: unknown };
const invalid = (message: string): Answer => ({ status: 400, body: ERRORS.validation(message) });

/** `POST /crm/v3/objects/{object}/search`: filterGroups OR-ed, filters in a group AND-ed, sorted and paged. */
export function search(store: FakeStore, type: ObjectType, raw: unknown): Answer {
  const body = (raw ?? {}) as Record<string, unknown>;
  const groups = (body.filterGroups ?? []) as { filters?: Filter[] }[];
  if (!Array.isArray(groups)) return invalid("filterGroups must be an array");
  if (groups.length > LIMITS.groups) {
    return invalid(`Too many filter groups: ${groups.length}. The maximum is ${LIMITS.groups}.`);
  }
  let total = 0;
  for (const group of groups) {
    const filters = group.filters ?? [];
    total += filters.length;
    if (filters.length > LIMITS.filtersPerGroup) {
      return invalid(
        `Too many filters in a filter group: ${filters.length}. The maximum is ${LIMITS.filtersPerGroup}.`,
      );
    }
    for (const f of filters) {
      const problem = filterProblem(f);
      if (problem) return invalid(problem);
    }
  }
  if (total > LIMITS.filters) return invalid(`Too many filters: ${total}. The maximum is ${LIMITS.filters}.`);
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.page) return invalid(`limit must be 1 to ${LIMITS.page}`);
  const after = Number(body.after ?? 0) || 0;
  const matched = store.objects[type].filter(
    (r) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(r, f))),
  );
  sortBy(matched, body.sorts);
  const page = matched.slice(after, after + limit);
  const named = Array.isArray(body.properties) && body.properties.length > 0 ? (body.properties as string[]) : [];
  const wanted = [...new Set([...named, ...(named.length > 0 ? always(type) : DEFAULT_PROPERTIES[type])])];
  const results = page.map((r) => ({
    id: r.id,
    properties: Object.fromEntries(wanted.map((p) => [p, r.properties[p] ?? null])),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    archived: false,
  }));
  const next = after + limit < matched.length ? { paging: { next: { after: String(after + limit) } } } : {};
  return { status: 200, body: { total: matched.length, results, ...next } };
}

/** Returned with whatever properties a search names. */
function always(type: ObjectType): string[] {
  return ["hs_object_id", "createdate", type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate"];
}

function filterProblem(f: Filter): string | undefined {
  if (typeof f.propertyName !== "string" || f.propertyName === "") return "a filter needs a propertyName";
  if (typeof f.operator !== "string" || !OPERATORS.has(f.operator)) return `unknown operator ${String(f.operator)}`;
  if (f.operator === "IN" || f.operator === "NOT_IN") {
    if (!Array.isArray(f.values)) return `operator ${f.operator} requires values`;
    if (f.values.length > LIMITS.values) return `operator ${f.operator} takes at most ${LIMITS.values} values`;
  } else if (!f.operator.endsWith("HAS_PROPERTY") && typeof f.value !== "string") {
    return `operator ${f.operator} requires a value`;
  }
  return undefined;
}

function matches(r: FakeRecord, f: Filter): boolean {
  const stored = (r.searchable[String(f.propertyName)] ?? []).filter((v) => v !== "");
  const same = (v: unknown) => stored.some((s) => s.toLowerCase() === String(v).toLowerCase());
  switch (f.operator) {
    case "EQ":
      return same(f.value);
    case "NEQ":
      return !same(f.value);
    case "IN":
      return (f.values as unknown[]).some(same);
    case "NOT_IN":
      return !(f.values as unknown[]).some(same);
    case "HAS_PROPERTY":
      return stored.length > 0;
    case "NOT_HAS_PROPERTY":
      return stored.length === 0;
    case "CONTAINS_TOKEN": {
      const pattern = new RegExp(`^${String(f.value).toLowerCase().split("*").map(escapeRegExp).join(".*")}$`);
      return stored.some((s) =>
        s
          .toLowerCase()
          .split(/[^\p{L}\p{N}@.]+/u)
          .some((t) => pattern.test(t)),
      );
    }
    default:
      return false;
  }
}

/** `sorts`: `[{ propertyName, direction }]`, or `["-createdate"]`; HubSpot sorts by one property. */
function sortBy(records: FakeRecord[], sorts: unknown): void {
  const first = Array.isArray(sorts) ? (sorts[0] as unknown) : undefined;
  if (first === undefined) return;
  const { name, descending } =
    typeof first === "string"
      ? { name: first.replace(/^-/, ""), descending: first.startsWith("-") }
      : {
          name: String((first as { propertyName?: unknown }).propertyName),
          descending: (first as { direction?: unknown }).direction === "DESCENDING",
        };
  records.sort((a, b) => {
    const [x, y] = [a.properties[name] ?? "", b.properties[name] ?? ""];
    return (descending ? -1 : 1) * (x < y ? -1 : x > y ? 1 : 0);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
