import { duration } from "@santral-hub/sdk";
import { z } from "zod";
import { type Dialect, parseQuery, QueryError, type Role } from "./statement.js";
import { isTimeZone } from "./time.js";

const column = z.string().trim().min(1).describe("a column of the query's result");

const columns = z
  .strictObject({
    id: column.default("id").describe('the record\'s id; default "id"'),
    phone: z
      .union([column, z.array(column).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .describe("the phone column, or several; returned verbatim for core to verify against the caller"),
    name: column.optional().describe("the full name; default: firstName and lastName joined"),
    firstName: column.optional().describe("the first name"),
    lastName: column.optional().describe("the last name"),
    company: column.optional().describe("the company name"),
    vip: column.optional().describe("VIP flag: true, 1, evet, e, yes, x or vip (any case) mean VIP"),
    ownerName: column.optional().describe("the dedicated representative's name"),
    ownerExtension: column.optional().describe("the dedicated representative's extension"),
    tags: column.optional().describe("tags: an array column, or text separated by , ; or |"),
    customerNumber: column.optional().describe("the customer number as stored"),
    kind: column.optional().describe('the record kind, for the match policy; default "row"'),
    updatedAt: column.optional().describe("last update: a timestamp, or text in ISO 8601 or dd.mm.yyyy"),
    createdAt: column.optional().describe("creation: a timestamp, or text in ISO 8601 or dd.mm.yyyy"),
    fields: z
      .record(z.string().min(1), column)
      .default({})
      .describe("other columns, exposed as contact.fields.<key> for rules and templates"),
  })
  .describe("which result column holds what: values are column names (or aliases) of the query");

const tls = z
  .strictObject({
    rejectUnauthorized: z.boolean().default(true).describe("verify the server's certificate (keep true)"),
    ca: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe(
        "the CA certificate: PEM text (from the environment) or a file, relative to the tenant's config directory",
      ),
  })
  .describe("TLS options");

export const configSchema = z
  .strictObject({
    driver: z.enum(["postgres", "mysql", "sqlite"]).describe("postgres, mysql (also MariaDB) or sqlite"),
    url: z
      .string()
      .trim()
      .min(1)
      .describe("postgres://… or mysql://…, from the environment; for sqlite a file, relative to the config directory"),
    query: z.string().min(1).describe("one SELECT using :phone, :national and/or :variants"),
    customerNumberQuery: z.string().min(1).optional().describe("one SELECT using :customerNumber"),
    columns,
    limit: z.number().int().min(1).max(100).default(10).describe("the most records one lookup returns"),
    pool: z
      .strictObject({
        max: z.number().int().min(1).max(100).default(5).describe("connections at most, shared by tenants"),
        acquireTimeout: duration.default(2000).describe("how long to wait to connect or for a free connection"),
      })
      .default({ max: 5, acquireTimeout: 2000 })
      .describe("the connection pool (not used by sqlite)"),
    statementTimeout: duration.default(5000).describe("the server cancels a query running longer (not sqlite)"),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: "not a time zone; use an IANA name like UTC or Europe/Istanbul" })
      .default("UTC")
      .describe("the zone of times stored without one (DATETIME, timestamp without time zone)"),
    tls: tls.optional().describe("TLS for managed databases; set it here rather than in the URL"),
    callLog: z
      .strictObject({
        url: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe("a user that may insert into the log table, from the environment; default: url"),
        insert: z
          .string()
          .min(1)
          .describe(
            "one INSERT of the call's facts (:callId, :contactId, :direction, :durationSec, :answered, …), keyed on :callId",
          ),
        createContact: z
          .string()
          .min(1)
          .optional()
          .describe(
            "for callLog.unknown: create, one INSERT of a record for a new caller (:phone, :national) ending RETURNING *",
          ),
      })
      .optional()
      .describe("write each ended call as a row, on a connection of its own (lookups stay read-only)"),
  })
  .superRefine((config, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const schemes = SCHEMES[config.driver];
    if (schemes && !schemes.some((s) => config.url.startsWith(`${s}://`))) {
      // never quote the URL: it holds the password
      issue("url", `a ${config.driver} URL starts with ${schemes.map((s) => `${s}://`).join(" or ")}`);
    }
    if (config.driver === "sqlite" && config.tls) issue("tls", "sqlite reads a file: remove tls");
    const write = config.callLog?.url;
    if (write !== undefined && schemes && !schemes.some((s) => write.startsWith(`${s}://`))) {
      ctx.addIssue({
        code: "custom",
        path: ["callLog", "url"],
        message: `a ${config.driver} URL starts with ${schemes.map((s) => `${s}://`).join(" or ")}`,
      });
    }
    if (config.callLog) {
      const problem = queryProblem(config.callLog.insert, config.driver, "callLog");
      if (problem) ctx.addIssue({ code: "custom", path: ["callLog", "insert"], message: problem });
      const create = config.callLog.createContact;
      const creating = create === undefined ? undefined : queryProblem(create, config.driver, "createContact");
      if (creating) ctx.addIssue({ code: "custom", path: ["callLog", "createContact"], message: creating });
    }
    for (const [key, role] of [
      ["query", "phone"],
      ["customerNumberQuery", "customerNumber"],
    ] as const) {
      const text = config[key];
      if (text === undefined) continue;
      const problem = queryProblem(text, config.driver, role);
      if (problem) issue(key, problem);
    }
  })
  .describe("@santral-hub/plugin-sql: look callers up in PostgreSQL, MySQL/MariaDB or SQLite with one query");

const SCHEMES: Record<Dialect, string[] | undefined> = {
  postgres: ["postgres", "postgresql"],
  mysql: ["mysql", "mariadb"],
  sqlite: undefined,
};

function queryProblem(text: string, dialect: Dialect, role: Role): string | undefined {
  try {
    parseQuery(text, dialect, role);
    return undefined;
  } catch (error) {
    if (error instanceof QueryError) return error.message;
    throw error;
  }
}

export type SqlConfig = z.output<typeof configSchema>;
export type SqlColumns = SqlConfig["columns"];

/** Every column the mapping names, with the config path that names it, for the result check. */
export function mappedColumns(c: SqlColumns): { path: string; column: string }[] {
  const out: { path: string; column: string }[] = [];
  for (const [key, value] of Object.entries(c)) {
    if (typeof value === "string") out.push({ path: `columns.${key}`, column: value });
  }
  for (const name of c.phone) out.push({ path: "columns.phone", column: name });
  for (const [key, name] of Object.entries(c.fields)) out.push({ path: `columns.fields.${key}`, column: name });
  return out;
}
