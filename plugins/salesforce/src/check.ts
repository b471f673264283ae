import { CrmError } from "@santral-hub/sdk";
import type { Connection, DescribeSObjectResult } from "jsforce";
import { PLUGIN_NAME } from "./name.js";
import type { Plan } from "./plan.js";
import type { Session } from "./session.js";

type Field = DescribeSObjectResult["fields"][number];
type Describe = (object: string) => Promise<DescribeSObjectResult | null>;

// field types a quoted SOQL string can be compared with (an auto-number is a "string")
const TEXT_TYPES = new Set(["string", "textarea", "phone", "email", "url", "picklist", "combobox", "id"]);

/**
 * Signs in (the credentials), then describes every mapped object and the objects its paths reach, and
 * reports every field that does not exist or cannot serve, with its config key, in one `bad_config`.
 */
export async function checkMappings(session: Session, plan: Plan): Promise<void> {
  const described = new Map<string, Promise<DescribeSObjectResult | null>>();
  const describe: Describe = (object) => {
    const key = object.toLowerCase();
    let found = described.get(key);
    if (!found) {
      found = session.call("describe", (conn) => describeOrNull(conn, object));
      described.set(key, found);
    }
    return found;
  };
  const problems: string[] = [];
  for (const [i, object] of plan.objects.entries()) {
    if (!(await describe(object.object))) {
      problems.push(
        `objects[${i}]: Salesforce has no object ${object.object}, or the integration user may not read it`,
      );
      continue;
    }
    for (const { path, where } of object.mapped) {
      const found = await resolve(describe, object.object, path);
      if (typeof found === "string") problems.push(`${where}: ${found}`);
      else if (where.includes(".phones[") && found.type !== "phone") {
        problems.push(`${where}: ${object.object}.${path} is a ${found.type} field; SOSL searches phone fields only`);
      } else if (where === "customerNumber.field" && !TEXT_TYPES.has(found.type)) {
        problems.push(`${where}: ${object.object}.${path} is a ${found.type} field; map a text field`);
      }
    }
  }
  if (problems.length > 0) throw new CrmError("bad_config", PLUGIN_NAME, problems.join("; "));
}

/** The field at the end of `path` from `object`, or what is wrong with the path. */
async function resolve(describe: Describe, object: string, path: string): Promise<Field | string> {
  const names = path.split(".");
  let at = object;
  for (const [i, name] of names.entries()) {
    const result = await describe(at);
    if (!result) return `Salesforce has no object ${at}`;
    const lower = name.toLowerCase();
    if (i === names.length - 1) {
      return result.fields.find((f) => f.name.toLowerCase() === lower) ?? `${at}.${name} is no field Salesforce knows`;
    }
    const link = result.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
    if (!link) return `${at} has no relationship ${name}`;
    const targets = link.referenceTo ?? [];
    // a polymorphic Owner (user or queue) is read from the User: see plan.ts
    if (targets.length === 1 && targets[0]) at = targets[0];
    else if (lower === "owner" && targets.includes("User")) at = "User";
    else return `${at}.${name} may point to ${targets.join(" or ")}; map a path through a single object`;
  }
  return `${path} is empty`;
}

async function describeOrNull(conn: Connection, object: string): Promise<DescribeSObjectResult | null> {
  try {
    return await conn.describe(object);
  } catch (error) {
    const code = (error as { errorCode?: unknown }).errorCode;
    if (code === "NOT_FOUND" || code === "INVALID_TYPE") return null;
    throw error;
  }
}
