import { defaultSchema, type FieldDef, NAME_FIELDS, type ObjectDef } from "./schema.js";

export type Row = Record<string, unknown>;

/** An API error as Salesforce sends it: `[{ message, errorCode }]` with an HTTP status. */
export class FakeError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** One step of a compiled field path: a field, or a relationship to follow. */
type Step =
  | { kind: "field"; field: FieldDef }
  | { kind: "relation"; name: string; idField: string; polymorphic: boolean };

export interface CompiledPath {
  steps: Step[];
}

/** Where a SELECT item stands in the statement, for Salesforce's "ERROR at Row:1:Column:n" echo. */
export interface Echo {
  statement: string;
  at: number;
}

/** The records and metadata of one fake org, and the REST API's way of reading and writing them out. */
export class FakeOrg {
  readonly objects: ObjectDef[] = defaultSchema();
  private readonly rows = new Map<string, Row[]>();
  private readonly ids = new Map<string, { object: string; row: Row }>();
  private next = 1;

  describe(object: string): ObjectDef | undefined {
    return this.objects.find((o) => o.name.toLowerCase() === object.toLowerCase());
  }

  /** Stores a record; `CreatedDate` and `LastModifiedDate` default to now. Returns its 18-character id. */
  insert(object: string, values: Row): string {
    const def = this.describe(object);
    if (!def) throw new Error(`the fake org has no object ${object}`);
    const id = `${def.prefix}5g00000${String(this.next++).padStart(5, "0")}AAA`;
    const now = new Date().toISOString();
    const row: Row = { CreatedDate: now, LastModifiedDate: now, ...values, Id: id };
    for (const key of Object.keys(row)) {
      if (!def.fields.some((f) => f.name === key)) throw new Error(`the fake org has no field ${object}.${key}`);
    }
    this.rows.set(def.name, [...(this.rows.get(def.name) ?? []), row]);
    this.ids.set(id, { object: def.name, row });
    return id;
  }

  /** A record's fields changed, as a PATCH does. */
  update(id: string, values: Row): void {
    const known = this.ids.get(id);
    if (!known) throw new Error(`the fake org has no record ${id}`);
    Object.assign(known.row, values, { LastModifiedDate: new Date().toISOString() });
  }

  all(object: string): Row[] {
    return this.rows.get(this.describe(object)?.name ?? "") ?? [];
  }

  find(object: string, match: (row: Row) => boolean): Row | undefined {
    return this.all(object).find(match);
  }

  /** Checks a SELECT item against the metadata, refusing it with Salesforce's own INVALID_FIELD message. */
  compile(object: ObjectDef, path: string, echo: Echo): CompiledPath {
    const names = path.split(".");
    const steps: Step[] = [];
    let at: ObjectDef | "Name" = object;
    for (const [i, name] of names.entries()) {
      const lower = name.toLowerCase();
      const atName = at === "Name" ? "Name" : at.name;
      if (i === names.length - 1) {
        const field: FieldDef | undefined =
          at === "Name"
            ? NAME_FIELDS.filter((f) => f.toLowerCase() === lower).map((f) => plainField(f))[0]
            : at.fields.find((f) => f.name.toLowerCase() === lower);
        if (!field) throw invalidField(echo, `No such column '${name}' on entity '${atName}'`);
        steps.push({ kind: "field", field });
        break;
      }
      const link: FieldDef | undefined =
        at === "Name" ? undefined : at.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
      if (!link?.relationshipName) {
        throw invalidField(echo, `Didn't understand relationship '${name}' in field path`);
      }
      const polymorphic: boolean = link.referenceTo.length > 1;
      steps.push({ kind: "relation", name: link.relationshipName, idField: link.name, polymorphic });
      const target = this.describe(link.referenceTo[0] ?? "");
      if (!target) throw new Error(`the fake org has no object ${link.referenceTo[0]}`);
      at = polymorphic ? "Name" : target;
    }
    return { steps };
  }

  /** A record as the REST API writes it: `attributes`, then each selected path, parents nested or null. */
  output(object: ObjectDef, row: Row, paths: CompiledPath[], version: string): Row {
    const out: Row = { attributes: { type: object.name, url: this.url(object.name, row.Id, version) } };
    for (const path of paths) this.write(out, row, path.steps, version);
    return out;
  }

  private write(out: Row, row: Row, steps: Step[], version: string): void {
    const [step, ...rest] = steps;
    if (!step) return;
    if (step.kind === "field") {
      const value = row[step.field.name] ?? null;
      out[step.field.name] = step.field.type === "datetime" && typeof value === "string" ? sfTime(value) : value;
      return;
    }
    const id = row[step.idField];
    const target = typeof id === "string" ? this.ids.get(id) : undefined;
    if (!target) {
      out[step.name] = null;
      return;
    }
    let child = out[step.name] as Row | null | undefined;
    if (!child) {
      // a polymorphic parent comes back typed as the Name object, pointing at the real record
      const type = step.polymorphic ? "Name" : target.object;
      child = { attributes: { type, url: this.url(target.object, id, version) } };
      out[step.name] = child;
    }
    this.write(child, target.row, rest, version);
  }

  private url(object: string, id: unknown, version: string): string {
    return `/services/data/v${version}/sobjects/${object}/${String(id)}`;
  }
}

function plainField(name: string): FieldDef {
  return { name, type: "string", relationshipName: null, referenceTo: [], polymorphicForeignKey: false };
}

/** Salesforce writes datetimes as `2025-03-01T09:30:00.000+0000`. */
function sfTime(iso: string): string {
  return new Date(iso).toISOString().replace("Z", "+0000");
}

/** Salesforce echoes the statement (numbers and all) above the line that names the field. */
function invalidField(echo: Echo, what: string): FakeError {
  const tail =
    what.startsWith("No such column") &&
    ". If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
  const message = `\n${echo.statement}\n${" ".repeat(echo.at)}^\nERROR at Row:1:Column:${echo.at + 1}\n${what}${tail || ""}`;
  return new FakeError(400, "INVALID_FIELD", message);
}
