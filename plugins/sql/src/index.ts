import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { CrmError, definePlugin } from "@santral-hub/sdk";
import { SqlAdapter, type SqlAdapterOptions } from "./adapter.js";
import { openMysql } from "./drivers/mysql.js";
import { openPostgres } from "./drivers/postgres.js";
import { openSqlite } from "./drivers/sqlite.js";
import type { Driver, DriverOptions } from "./drivers/types.js";
import { PLUGIN_NAME } from "./name.js";
import { leaseDatabase } from "./pools.js";
import { configSchema } from "./schema.js";
import { type Dialect, parseQuery, QueryError, type Role } from "./statement.js";

export { PLUGIN_NAME } from "./name.js";
export { sharedDatabases } from "./pools.js";
export { configSchema, type SqlConfig } from "./schema.js";

const OPEN: Record<Dialect, (o: DriverOptions) => Driver> = {
  postgres: openPostgres,
  mysql: openMysql,
  sqlite: openSqlite,
};

/** `crm.adapter: sql`: one configured SELECT on PostgreSQL, MySQL/MariaDB or a SQLite file. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  configSchema,
  capabilities: { customerNumber: true, callLog: true, createContact: true },
  async create(config, ctx) {
    // the schema has checked both queries; parsed again here so create() alone refuses them too
    const phoneQuery = compile(config.query, config.driver, "phone", "query");
    const customerQuery =
      config.customerNumberQuery === undefined
        ? undefined
        : compile(config.customerNumberQuery, config.driver, "customerNumber", "customerNumberQuery");
    const sqlite = config.driver === "sqlite";
    const url = sqlite ? resolve(ctx.configDir, config.url) : config.url;
    const tls = config.tls ? { ...config.tls, ca: await readCa(config.tls.ca, ctx.configDir) } : undefined;
    const options: DriverOptions = {
      url,
      poolMax: config.pool.max,
      acquireTimeoutMs: config.pool.acquireTimeout,
      statementTimeoutMs: config.statementTimeout,
      log: ctx.log,
      ...(tls ? { tls } : {}),
    };
    const { pool, statementTimeout } = config;
    const lease = leaseDatabase([config.driver, url, tls, pool, statementTimeout], () => OPEN[config.driver](options));
    let callLog: SqlAdapterOptions["callLog"];
    if (config.callLog) {
      const insert = compile(config.callLog.insert, config.driver, "callLog", "callLog.insert");
      const writeUrl =
        config.callLog.url === undefined
          ? url
          : sqlite
            ? resolve(ctx.configDir, config.callLog.url)
            : config.callLog.url;
      const writing: DriverOptions = { ...options, url: writeUrl, writable: true };
      const key = ["write", config.driver, writeUrl, tls, pool, statementTimeout];
      const create = config.callLog.createContact;
      callLog = {
        insert,
        lease: leaseDatabase(key, () => OPEN[config.driver](writing)),
        ...(create ? { createContact: compile(create, config.driver, "createContact", "callLog.createContact") } : {}),
      };
    }
    return new SqlAdapter({
      config,
      phoneQuery,
      customerQuery,
      lease,
      ...(callLog ? { callLog } : {}),
      log: ctx.log,
      errors: {
        dialect: config.driver,
        statementTimeoutMs: config.statementTimeout,
        acquireTimeoutMs: config.pool.acquireTimeout,
        poolMax: config.pool.max,
        ...(sqlite ? { file: url } : {}),
      },
    });
  },
  // the query's WHERE decides what is searched: named by its config key, with the columns it returns
  describeSearch: ({ columns, customerNumberQuery }, by) => ({
    fields:
      by === "phone"
        ? [`query (returning ${columns.phone.join(", ")})`]
        : customerNumberQuery
          ? [`customerNumberQuery${columns.customerNumber ? ` (returning ${columns.customerNumber})` : ""}`]
          : [],
    ...(columns.kind ? { kinds: { column: columns.kind } } : {}),
  }),
});

export default plugin;

function compile(text: string, dialect: Dialect, role: Role, key: string) {
  try {
    return parseQuery(text, dialect, role);
  } catch (error) {
    if (error instanceof QueryError) throw new CrmError("bad_config", PLUGIN_NAME, `${key} ${error.message}`);
    throw error;
  }
}

/** `tls.ca` is PEM text (from `${env:…}`) or a file, read once when the tenant loads. */
async function readCa(ca: string | undefined, configDir: string): Promise<string | undefined> {
  if (ca === undefined || ca.startsWith("-----BEGIN")) return ca;
  const file = isAbsolute(ca) ? ca : resolve(configDir, ca);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CrmError("bad_config", PLUGIN_NAME, `tls.ca: cannot read ${file} (${code})`, { cause: error });
  }
}
