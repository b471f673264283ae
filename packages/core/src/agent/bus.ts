import { EventEmitter } from "node:events";
import type { Card } from "../calls/types.js";
import type { CardBus, CardListener, RecentCards } from "./types.js";

/** Refuses a card published under another tenant's name: a card never crosses tenants. */
export function checkTenant(tenant: string, card: Card): void {
  if (card.tenant !== tenant)
    throw new Error(`card ${card.id} is of tenant "${card.tenant}", published for "${tenant}"`);
}

/** Listeners per tenant, in this process. */
export class Listeners {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  add(tenant: string, listener: CardListener): () => void {
    this.emitter.on(tenant, listener);
    return () => void this.emitter.off(tenant, listener);
  }

  count(tenant: string): number {
    return this.emitter.listenerCount(tenant);
  }

  /** Calls each listener; one that throws does not keep the card from the others. */
  deliver(card: Card, onError: (error: unknown) => void): void {
    for (const listener of this.emitter.listeners(card.tenant) as CardListener[]) {
      try {
        listener(card);
      } catch (error) {
        onError(error);
      }
    }
  }
}

/** The bus of a single hub node (the embedded default): cards reach the agents connected to this process. */
export class LocalCardBus implements CardBus {
  private readonly listeners = new Listeners();

  constructor(
    private readonly recentCards: RecentCards,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async publish(tenant: string, card: Card): Promise<void> {
    checkTenant(tenant, card);
    this.listeners.deliver(card, this.onError);
    await this.recentCards.add(card);
  }

  async subscribe(tenant: string, listener: CardListener): Promise<() => void> {
    return this.listeners.add(tenant, listener);
  }

  recent(tenant: string): Promise<Card[]> {
    return this.recentCards.list(tenant);
  }

  async close(): Promise<void> {}
}
