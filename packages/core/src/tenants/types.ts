// The tenant's config types, each inferred from the zod schema that reads it: a key added to a schema and
// not carried into the config is a compile error, never a field that is silently missing.
export type { Condition } from "./condition-schema.js";
export type { RuleConfig, StepConfig, TenantConfig } from "./schema.js";
export type { LookupKind, ReplyConfig } from "./step-schema.js";
