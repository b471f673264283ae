/** The adapter name tenants write (`crm.adapter: hubspot`), in every error and log line. */
export const PLUGIN_NAME = "hubspot";
