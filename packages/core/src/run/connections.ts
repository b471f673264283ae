import { readFileSync } from "node:fs";
import type { Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "@santral-hub/sdk";
import type { HubConfig } from "../hub/config.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";
import { refusalsFor } from "../refusals.js";

/** File descriptors kept for what is not a client connection: Redis, CRM sockets, SQL pools, files, watchers. */
const RESERVED_FDS = 512;

type Connections = HubConfig["connections"];

/**
 * Node's time-outs for a call port. `headersTimeout` and `requestTimeout` are checked every
 * `connectionsCheckingInterval` (Node's default, 30 s, would let a trickled request live that much longer).
 */
export function serverOptions(c: Connections): ServerOptions {
  return {
    headersTimeout: c.headersTimeout,
    requestTimeout: c.requestTimeout,
    keepAliveTimeout: c.keepAliveTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(c.headersTimeout / 4))),
  };
}

/** The soft limit on open files of this process (Node raises it to the hard limit at start), where known. */
export function fileDescriptorLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return line?.[1] === undefined ? undefined : Number(line[1]);
  } catch {
    return undefined; // not Linux: the configured cap stands
  }
}

/** `connections.max`, lowered to leave `RESERVED_FDS` descriptors free; at least 64. */
export function connectionCap(max: number, fdLimit: number | undefined): number {
  if (fdLimit === undefined) return max;
  return Math.min(max, Math.max(64, fdLimit - RESERVED_FDS));
}

/**
 * Caps the call port's open connections (past the cap Node closes a new connection at once, so the hub keeps
 * the descriptors its calls need), and answers the requests Node refuses itself (too slow: 408, bad HTTP:
 * 400, headers too large: 431) as Node would, counted in `santral_requests_refused_total` and logged
 * throttled, like every refusal.
 */
export function guardConnections(server: Server, c: Connections, log: Logger, metrics: HubMetrics): void {
  const limit = fileDescriptorLimit();
  server.maxConnections = connectionCap(c.max, limit);
  if (server.maxConnections < c.max) {
    log.warn(
      { configured: c.max, cap: server.maxConnections, fileDescriptors: limit },
      "connections.max lowered to stay under the file-descriptor limit (raise it with ulimit -n)",
    );
  }
  const refusals = refusalsFor(log);
  server.on("drop", () => {
    metrics.refusedRequest("too_many_connections");
    refusals.refused(
      "warn",
      "too_many_connections",
      undefined,
      { cap: server.maxConnections },
      "connection refused: the hub has connections.max open connections",
    );
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const refusal = clientRefusal(error.code);
    if (refusal) {
      metrics.refusedRequest(refusal.code);
      refusals.refused("warn", refusal.code, undefined, { status: refusal.status }, refusal.message);
      // as Node answers it without a listener: the status, if nothing was written yet, then the socket closed
      if (socket.writable && socket.bytesWritten === 0) {
        socket.write(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\n\r\n`);
      }
    }
    socket.destroy();
  });
}

interface ClientRefusal {
  code: string;
  status: number;
  reason: string;
  message: string;
}

/** What a client error is, to the operator; undefined for a peer that merely hung up. */
function clientRefusal(code: string | undefined): ClientRefusal | undefined {
  if (code === "ECONNRESET" || code === "EPIPE") return undefined;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return {
      code: "request_timeout",
      status: 408,
      reason: "Request Timeout",
      message: "request not received within connections.headersTimeout or requestTimeout: connection closed",
    };
  }
  if (code === "HPE_HEADER_OVERFLOW") {
    return {
      code: "headers_too_large",
      status: 431,
      reason: "Request Header Fields Too Large",
      message: "headers too large",
    };
  }
  return { code: "bad_http", status: 400, reason: "Bad Request", message: "not a valid HTTP request" };
}
