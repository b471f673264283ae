export type { AgentLinkInfo } from "./agent/types.js";
export type { CallEvent, Decision, InboundFormat } from "./call.js";
export type { Delivery } from "./calls/store.js";
export type { Card, PbxCallEvent } from "./calls/types.js";
export { DEFAULT_DIALECT, DIALECTS, type Dialect, type RoutingTarget, type WireReply } from "./dialects/index.js";
export { REQUEST_ERRORS, type RequestErrorCode } from "./errors/codes.js";
export { RequestError } from "./errors/request-error.js";
export { type CallExplanation, type ExplainCallOptions, explainCall } from "./explain/call.js";
export {
  ExplainError,
  type ExplainedCandidate,
  type ExplainOptions,
  type Explanation,
  explain,
} from "./explain/explain.js";
export { handleCall } from "./handle-call.js";
export { type Readiness, readiness } from "./health.js";
export { type HubConfig, loadHubConfig } from "./hub/config.js";
export { Hub, type HubOptions } from "./hub/hub.js";
export type { LiveTenant } from "./hub/live-tenant.js";
export type { ReloadReport } from "./hub/reload.js";
export { idOf as tenantIdOfFile } from "./hub/reload.js";
export { createLogger, type HubLogger, type LoggerOptions, maskNumber } from "./log.js";
export { DEFAULT_POLICY, type MatchPolicy, RESOLVERS, type Resolver } from "./lookup/policy.js";
export { type CallOutcome, HubMetrics, type TenantState } from "./metrics/hub-metrics.js";
export { signature, verifySignature } from "./notify/index.js";
export { type HubProcess, type RunOptions, runHub } from "./run/run-hub.js";
export { createApp } from "./server.js";
export { loadTenantDir, loadTenantFile } from "./tenants/load.js";
export type { TenantConfig } from "./tenants/types.js";
export { createAgentLink, listAgentLinks, revokeAgentLinks } from "./tools/agent-links.js";
export { type CheckReport, checkConfig, type TenantCheck } from "./tools/check.js";
export { type CacheState, type LookupResult, lookupNumber } from "./tools/lookup-number.js";
export { dropDead, type OutboxReport, outboxReport, retryDead } from "./tools/outbox.js";
export { type ConfigSchema, pluginConfigSchema } from "./tools/plugin-schema.js";
export { purgeCache } from "./tools/purge-cache.js";
export { ToolError } from "./tools/tool-error.js";
