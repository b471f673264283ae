import type { Card } from "../calls/types.js";

/** Who a session belongs to: one agent (an extension) of one tenant, and the queues whose calls they see. */
export interface AgentIdentity {
  tenant: string;
  extension: string;
  queues: string[];
  /** The link the session was opened with: revoking it ends the session. */
  linkId: string;
}

/** A link as `list` shows it; never the token. */
export interface AgentLinkInfo {
  id: string;
  tenant: string;
  extension: string;
  queues: string[];
  createdAt: number;
  /** Until when the link can be exchanged (ms since 1970). */
  expiresAt: number;
  /** When it was exchanged for a session, if it was. */
  usedAt?: number;
  revokedAt?: number;
}

/** A link as the stores keep it: its token only as a SHA-256 hash. */
export interface StoredLink extends AgentLinkInfo {
  tokenHash: string;
  /** How long the session this link opens lasts (ms). */
  sessionTtl: number;
}

/** Why a link was not exchanged. */
export type LinkRefusal = "unknown" | "used" | "expired" | "revoked";

export type ExchangeResult =
  | { ok: true; identity: AgentIdentity; expiresAt: number }
  | { ok: false; reason: LinkRefusal };

/** Which links to revoke: one by its id, or every link of an extension. */
export type RevokeTarget = { tenant: string; linkId: string } | { tenant: string; extension: string };

/**
 * Where links and sessions live. Every secret arrives hashed. `exchange` is atomic: of two concurrent
 * exchanges of one link (on two nodes, or the hub and the CLI), one wins.
 */
export interface AgentStore {
  addLink(link: StoredLink): Promise<void>;
  /** Uses the link once, opening the session `sessionHash`; refuses an unknown, used, expired or revoked link. */
  exchange(tenant: string, tokenHash: string, sessionHash: string, now: number): Promise<ExchangeResult>;
  /** The agent of a live session, or undefined when it is unknown, expired or revoked. */
  session(tenant: string, sessionHash: string, now: number): Promise<AgentIdentity | undefined>;
  /** Revokes the links and ends every session opened with them; resolves to the number of links revoked. */
  revoke(target: RevokeTarget, now: number): Promise<number>;
  /** The tenant's links still in store (newest first), used, revoked and expired ones included for a while. */
  list(tenant: string, now: number): Promise<AgentLinkInfo[]>;
}

/** Today's cards per tenant, for the page's "Bugünkü çağrılar". */
export interface RecentCards {
  /** Keeps the card, replacing an older version of the same call (`id`). */
  add(card: Card): Promise<void>;
  /** The tenant's cards of today (in its time zone), one per call, latest first. */
  list(tenant: string, now?: number): Promise<Card[]>;
}

/** Called with each card published for the tenant, on this node or another. */
export type CardListener = (card: Card) => void;

/** Carries cards from the node that built them to every node with an agent's page open. */
export interface CardBus {
  /** Delivers the card to the tenant's subscribers on every node and keeps it among today's cards. */
  publish(tenant: string, card: Card): Promise<void>;
  /**
   * Resolves once the listener will receive every card published after it (on a bus across nodes whose
   * broker is unreachable, after a short wait, with this node's cards only until it is back); call the
   * result to stop.
   */
  subscribe(tenant: string, listener: CardListener): Promise<() => void>;
  /** Today's cards of the tenant, latest first. */
  recent(tenant: string): Promise<Card[]>;
  close(): Promise<void>;
}
