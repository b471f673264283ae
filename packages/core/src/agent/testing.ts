// Test helpers of the agent's page (its own tests and test/agent-page.e2e.test.ts); not exported by core.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import { Redis } from "ioredis";
import Koa from "koa";
import type { Card } from "../calls/types.js";
import { type AgentPageOptions, type AgentRoutes, agentRoutes } from "./routes.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A connection to the test Redis, as the hub makes them (no offline queue); fails when Redis is not up. */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
  await client.connect().catch((error: Error) => {
    throw new Error(`Redis at ${REDIS_URL} is not reachable (${error.message}): start it (.ci/run does)`);
  });
  return client;
}

/** A key prefix of one test's own, so tests running at once never see each other's keys. */
export function testPrefix(): string {
  return `test:agent:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
}

/** A realistic card: a VIP calling, routed to their representative at extension 101. */
export function testCard(overrides: Partial<Card> = {}): Card {
  return {
    tenant: "acme",
    id: `call-${randomUUID().slice(0, 8)}`,
    pbxIds: ["1234567.213"],
    event: "ringing",
    at: Date.now(),
    direction: "inbound",
    caller: { e164: "+905321234567", display: "0532 123 45 67" },
    contact: {
      id: "003Ak00000Xyz12",
      source: "salesforce",
      kind: "Contact",
      name: "Şükrü Çelik",
      company: "Çelik Lojistik A.Ş.",
      vip: true,
      owner: { name: "Zeynep Demir", extension: "101" },
    },
    link: "https://acme.lightning.force.com/lightning/r/Contact/003Ak00000Xyz12/view",
    route: { step: "welcome", rule: 0, result: "extensions", redirect: "101", reason: "rule 1 matched: vip" },
    agent: { extension: "101" },
    ...overrides,
  };
}

export interface AgentServer {
  url: string;
  routes: AgentRoutes;
  close(): Promise<void>;
}

/** A koa server on a free loopback port with only the agent's routes. */
export async function startAgentServer(options: AgentPageOptions, proxy = false): Promise<AgentServer> {
  const app = new Koa();
  app.proxy = proxy;
  const router = new Router();
  const routes = agentRoutes(router, options);
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    close: async () => {
      routes.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
