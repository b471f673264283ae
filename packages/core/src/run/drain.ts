import type { Server } from "node:http";

/** Counts the requests being answered: what a graceful shutdown waits for. */
export function trackRequests(server: Server): () => number {
  let active = 0;
  server.on("request", (_req, res) => {
    active++;
    res.once("close", () => active--);
  });
  return () => active;
}

/**
 * Stops accepting connections and waits, up to `graceMs`, for the requests in flight to be answered; then
 * closes what is left. Kept-alive connections are closed as soon as they are idle (Node's `server.close`
 * alone would wait for the client to hang up). Resolves to the number of requests cut short.
 */
export async function drain(server: Server, active: () => number, graceMs: number): Promise<number> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const until = Date.now() + graceMs;
  while (active() > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeIdleConnections();
  }
  const unfinished = active();
  server.closeAllConnections();
  await closed;
  return unfinished;
}
