/** The adapter name tenants write (`crm.adapter: salesforce`), in every error and log line. */
export const PLUGIN_NAME = "salesforce";
