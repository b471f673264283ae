/** The adapter name tenants write (`crm.adapter: sql`), in every error and log line. */
export const PLUGIN_NAME = "sql";
