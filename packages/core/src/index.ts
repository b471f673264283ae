export type { CallEvent, Decision, InboundFormat } from "./call.js";
export { ROUTING_TARGETS } from "./call.js";
export {
  ExplainError,
  type ExplainedCandidate,
  type ExplainOptions,
  type Explanation,
  explain,
} from "./explain.js";
export { handleCall } from "./handle-call.js";
export { type HubConfig, loadHubConfig } from "./hub/config.js";
export { Hub, type HubOptions } from "./hub/hub.js";
export type { LiveTenant } from "./hub/live-tenant.js";
export { REQUEST_ERRORS, RequestError, type RequestErrorCode } from "./inbound/errors.js";
export { createLogger, maskNumber } from "./log.js";
export { DEFAULT_POLICY, type MatchPolicy, RESOLVERS, type Resolver } from "./lookup/policy.js";
export { createApp } from "./server.js";
