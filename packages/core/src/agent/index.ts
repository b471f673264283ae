// The agent's live page: sign-in links and sessions, the bus that carries cards between nodes, the routes.
export { LocalCardBus } from "./bus.js";
export { dayOf, endOfDay } from "./day.js";
export { CONTENT_SECURITY_POLICY } from "./headers.js";
export {
  AgentLinkError,
  AgentLinks,
  type AgentLinksOptions,
  type CreateLinkOptions,
  type NewLink,
  type SignIn,
  TENANT_ID,
} from "./links.js";
export { DEFAULT_ZONE, MemoryRecentCards, type RecentOptions } from "./recent.js";
export { RedisCardBus, type RedisCardBusOptions } from "./redis-bus.js";
export { RedisRecentCards } from "./redis-recent.js";
export { RedisAgentStore, type RedisAgentStoreOptions } from "./redis-store.js";
export { type AgentPageOptions, type AgentRoutes, agentRoutes } from "./routes.js";
export { openAgentDatabase } from "./sqlite.js";
export { SqliteRecentCards } from "./sqlite-recent.js";
export { SqliteAgentStore } from "./sqlite-store.js";
export type {
  AgentIdentity,
  AgentLinkInfo,
  AgentStore,
  CardBus,
  CardListener,
  ExchangeResult,
  LinkRefusal,
  RecentCards,
  RevokeTarget,
  StoredLink,
} from "./types.js";
export { visibleTo } from "./visible.js";
