import { randomUUID } from "node:crypto";
import type { Logger } from "@santral-hub/sdk";
import { Cluster, type Redis } from "ioredis";
import type { Card } from "../calls/types.js";
import { checkTenant, Listeners } from "./bus.js";
import { RedisRecentCards } from "./redis-recent.js";
import type { CardBus, CardListener, RecentCards } from "./types.js";

export interface RedisCardBusOptions {
  /** The hub's Redis connection, for PUBLISH and today's cards; the bus never closes it. */
  client: Redis | Cluster;
  /** Put before every key and channel, e.g. `santral:`. */
  prefix: string;
  /** Where today's cards are kept; a capped list in the same Redis by default. */
  recent?: RecentCards;
  log?: Logger;
  /** How long `subscribe` waits for an unreachable Redis before it resolves anyway (ms); default 2000. */
  subscribeTimeout?: number;
}

interface Message {
  /** The node that published it: that node has already delivered it to its own agents. */
  n: string;
  c: Card;
}

/**
 * The bus of several hub nodes on one Redis: a card published on any node reaches the agents connected to
 * every node, over Redis pub/sub on a connection of its own (a subscribed connection can do nothing else).
 * A node delivers its own cards at once, without the round trip, and still does while Redis is down.
 */
export class RedisCardBus implements CardBus {
  private readonly node = randomUUID();
  private readonly listeners = new Listeners();
  private readonly client: Redis | Cluster;
  private readonly prefix: string;
  private readonly recentCards: RecentCards;
  private readonly log: Logger | undefined;
  private subscriber: Redis | Cluster | undefined;
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private down = false;
  private readonly subscribeTimeout: number;

  constructor(options: RedisCardBusOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.recentCards = options.recent ?? new RedisRecentCards(options.client, options.prefix);
    this.log = options.log;
    this.subscribeTimeout = options.subscribeTimeout ?? 2000;
  }

  private channel(tenant: string): string {
    return `${this.prefix}agent:{${tenant}}:cards`;
  }

  async publish(tenant: string, card: Card): Promise<void> {
    checkTenant(tenant, card);
    this.listeners.deliver(card, (error) => this.log?.error({ err: error, tenant }, "agent page: a listener failed"));
    const message: Message = { n: this.node, c: card };
    await Promise.all([this.client.publish(this.channel(tenant), JSON.stringify(message)), this.recentCards.add(card)]);
  }

  async subscribe(tenant: string, listener: CardListener): Promise<() => void> {
    const remove = this.listeners.add(tenant, listener);
    const channel = this.channel(tenant);
    let ready = this.subscribed.get(channel);
    if (!ready) {
      const subscribing: Promise<unknown> = this.connection()
        .subscribe(channel)
        .catch((error: unknown) => {
          // the next subscriber of the tenant tries again
          if (this.subscribed.get(channel) === subscribing) this.subscribed.delete(channel);
          this.log?.warn({ err: error, tenant }, "agent page: could not subscribe to the tenant's cards");
        });
      ready = subscribing;
      this.subscribed.set(channel, ready);
    }
    const stop = () => {
      remove();
      if (this.listeners.count(tenant) > 0 || this.subscribed.get(channel) !== ready) return;
      this.subscribed.delete(channel);
      this.subscriber?.unsubscribe(channel).catch(() => {}); // a closed or broken connection has no subscription left
    };
    // Redis away: the page opens anyway with this node's cards; the queued SUBSCRIBE runs once it is back
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise((resolve) => (timer = setTimeout(resolve, this.subscribeTimeout)))]);
    clearTimeout(timer);
    return stop;
  }

  private connection(): Redis | Cluster {
    if (this.subscriber) return this.subscriber;
    // A SUBSCRIBE waits for the connection however long Redis is away, rather than fail fast as the hub's
    // cache commands do: it is sent once Redis is back, and ioredis subscribes again after a reconnection.
    const patient = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined };
    const sub =
      this.client instanceof Cluster
        ? this.client.duplicate(undefined, {
            enableOfflineQueue: true,
            redisOptions: { ...this.client.options.redisOptions, ...patient },
          })
        : this.client.duplicate(patient);
    sub.on("message", (channel: string, text: string) => this.received(channel, text));
    sub.on("error", (error: Error) => {
      if (this.down) return;
      this.down = true; // once per outage, not once per reconnection attempt
      this.log?.warn({ err: error }, "agent page: lost the Redis subscription for cards; reconnecting");
    });
    sub.on("ready", () => {
      if (this.down) this.log?.info({}, "agent page: Redis subscription for cards back");
      this.down = false;
    });
    this.subscriber = sub;
    return sub;
  }

  private received(channel: string, text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      this.log?.warn({ channel }, "agent page: a card message that is not JSON was ignored");
      return;
    }
    if (message.n === this.node || !message.c) return;
    // the channel names the tenant: a card of another tenant on it is dropped, never shown
    if (this.channel(message.c.tenant) !== channel) return;
    this.listeners.deliver(message.c, (error) =>
      this.log?.error({ err: error, tenant: message.c.tenant }, "agent page: a listener failed"),
    );
  }

  recent(tenant: string): Promise<Card[]> {
    return this.recentCards.list(tenant);
  }

  async close(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    this.subscribed.clear();
    sub?.disconnect(); // not QUIT: it would wait in the queue for a Redis that may be away
  }
}
