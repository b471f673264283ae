import type { ObjectMapping } from "./standard.js";

/**
 * The fields of the polymorphic `Name` object, all that SOSL and SOQL can read through an `Owner` that may
 * be a user or a queue (Lead, Case, most custom objects). Any other owner field (`Owner.Extension`) is read
 * from the User by `OwnerId`, in one more query.
 */
const NAME_FIELDS = new Set(
  ["Id", "Name", "Alias", "Email", "FirstName", "LastName", "IsActive", "Phone", "Title", "Type", "Username"].map((f) =>
    f.toLowerCase(),
  ),
);

/** A field path the tenant mapped, and where in the config it is mapped (for errors that name it). */
export interface MappedPath {
  path: string;
  where: string;
}

/** What one object's part of the search requests, and how its answers are read. */
export interface ObjectPlan {
  object: string;
  mapping: ObjectMapping;
  /** `Id` and the mapped paths, each once; owner fields read from the User are replaced by `OwnerId`. */
  select: string[];
  mapped: MappedPath[];
}

export interface Plan {
  objects: ObjectPlan[];
  /** User fields read by `OwnerId` (the part of `Owner.X` after `Owner.`), each once. */
  userFields: string[];
}

/** The User field behind `Owner.X` when `X` is not readable through the polymorphic Name object; else undefined. */
export function ownerUserField(path: string): string | undefined {
  const [head, next, ...rest] = path.split(".");
  if (head?.toLowerCase() !== "owner" || next === undefined) return undefined;
  return NAME_FIELDS.has(next.toLowerCase()) && rest.length === 0 ? undefined : [next, ...rest].join(".");
}

/** Every path a mapping names, with its place in the config (`objects[0].fields.segment`). */
export function mappedPaths(m: ObjectMapping, at: string, customerNumberAt = "customerNumber.field"): MappedPath[] {
  const out: MappedPath[] = m.phones.map((path, i) => ({ path, where: `${at}.phones[${i}]` }));
  const keys = ["name", "firstName", "lastName", "company", "ownerName", "ownerExtension", "tags"] as const;
  for (const key of keys) {
    const path = m[key];
    if (path !== undefined) out.push({ path, where: `${at}.${key}` });
  }
  if (m.vip) out.push({ path: m.vip.field, where: `${at}.vip.field` });
  out.push({ path: m.updatedAt, where: `${at}.updatedAt` }, { path: m.createdAt, where: `${at}.createdAt` });
  for (const [key, path] of Object.entries(m.fields)) out.push({ path, where: `${at}.fields.${key}` });
  if (m.customerNumber !== undefined) out.push({ path: m.customerNumber, where: customerNumberAt });
  return out;
}

/** What each object requests: only the mapped fields, so a lookup reads no more than the tenant uses. */
export function planObjects(objects: readonly ObjectMapping[]): Plan {
  const userFields: string[] = [];
  const plans = objects.map((mapping, i): ObjectPlan => {
    const mapped = mappedPaths(mapping, `objects[${i}]`);
    const select = ["Id"];
    const add = (list: string[], field: string) => {
      if (!list.some((f) => f.toLowerCase() === field.toLowerCase())) list.push(field);
    };
    for (const { path } of mapped) {
      const userField = ownerUserField(path);
      if (userField === undefined) add(select, path);
      else {
        add(select, "OwnerId");
        add(userFields, userField);
      }
    }
    return { object: mapping.object, mapping, select, mapped };
  });
  return { objects: plans, userFields };
}
