export type { CallLog, LoggedCall } from "./call-log.js";
export { duration } from "./config.js";
export type { Contact, LookupQuery } from "./contact.js";
export { CRM_ERROR_KINDS, CrmError, type CrmErrorKind, isCrmError } from "./errors.js";
export { DEFAULT_REGION, type Phone, parsePhone, phoneShapes, phonesIn } from "./phone.js";
export {
  type AdapterData,
  type Capabilities,
  type CrmAdapter,
  definePlugin,
  type Logger,
  type LookupContext,
  type Plugin,
  type PluginContext,
  type RateLimiter,
  SDK_CONTRACT_VERSION,
  type SearchDescription,
} from "./plugin.js";
