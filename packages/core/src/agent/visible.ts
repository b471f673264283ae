import type { Card } from "../calls/types.js";
import { foldTr } from "../rules/fold.js";
import type { AgentIdentity } from "./types.js";

/**
 * Whether an agent may see a card: the same tenant, and the call rings for (or was taken by) their extension
 * or one of their queues. Queue names are compared ignoring case the Turkish way (`SATIŞ` = `satış`).
 */
export function visibleTo(card: Card, agent: AgentIdentity): boolean {
  if (card.tenant !== agent.tenant || !card.agent) return false;
  const { extension, queue } = card.agent;
  if (extension !== undefined && extension.trim() === agent.extension) return true;
  if (queue === undefined || queue.trim() === "") return false;
  const folded = foldTr(queue);
  return agent.queues.some((q) => foldTr(q) === folded);
}
