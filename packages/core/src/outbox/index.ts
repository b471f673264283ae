// The durable outbox: work that must not be lost, stored before the hub acknowledges and run after.
export { backoffDelay, DEFAULT_RETRY, KEEP_DONE_MS, retryPolicy } from "./policy.js";
export { RedisOutbox, type RedisOutboxOptions } from "./redis-outbox.js";
export { SqliteOutbox, type SqliteOutboxOptions } from "./sqlite-outbox.js";
export {
  type DeadJob,
  type DeadTarget,
  emptyStats,
  type KindStats,
  type Outbox,
  type OutboxHandler,
  type OutboxJob,
  type OutboxJobInput,
  type OutboxStats,
  PermanentFailure,
  type RetryPolicy,
  type WorkOptions,
} from "./types.js";
