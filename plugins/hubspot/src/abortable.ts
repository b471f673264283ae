import type { Agent, ClientRequest } from "node:http";

/**
 * @hubspot/api-client (13) takes no AbortSignal: its HTTP layer calls node-fetch with only method, body,
 * headers and agent. So each request gets its own agent, a thin proxy of the adapter's keep-alive agent
 * that sees the request being sent and destroys it when `signal` aborts; the socket is dropped, never
 * reused, and the connection pool stays shared.
 */
export function abortableAgent(agent: Agent, signal: AbortSignal): Agent {
  return new Proxy(agent, {
    get(target, key) {
      if (key === "addRequest") {
        return (request: ClientRequest, options: unknown) => {
          const stop = () => request.destroy(asError(signal.reason));
          if (signal.aborted) stop();
          else {
            signal.addEventListener("abort", stop, { once: true });
            request.once("close", () => signal.removeEventListener("abort", stop));
          }
          (target as unknown as { addRequest(r: ClientRequest, o: unknown): void }).addRequest(request, options);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The middleware that puts a request on its abortable agent (the client's only per-request hook). */
export function abortableOptions(agent: Agent, signal: AbortSignal) {
  return {
    middleware: [
      {
        pre: async <C extends { setAgent(agent: Agent): void }>(context: C) => {
          context.setAgent(abortableAgent(agent, signal));
          return context;
        },
        post: async <R>(response: R) => response,
      },
    ],
    // keep the client's own middleware (its User-agent header), ours after it
    middlewareMergeStrategy: "append" as const,
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
