/** The adapter name tenants write (`crm.adapter: csv`), in every error and log line. */
export const PLUGIN_NAME = "csv";
