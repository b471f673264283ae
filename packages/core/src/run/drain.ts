import type { IncomingMessage, Server } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

/** A kept-alive connection idle this long at shutdown is closed: its client is not about to reuse it. */
const IDLE_MS = 500;
/** At shutdown, a request whose body is still arriving after this long is a slow upload, not a call. */
const UPLOAD_MS = 1000;

interface Connection {
  /** Requests on it being answered (more than one when the client pipelines). */
  busy: number;
  /** When it last had nothing to answer (`performance.now()`). */
  idleSince: number;
}

export interface RequestTracker {
  /** The requests being answered: what a graceful shutdown waits for. */
  active(): number;
  readonly connections: Map<Socket, Connection>;
  readonly requests: Map<IncomingMessage, Socket>;
}

/** Follows the server's connections and the requests on each. */
export function trackRequests(server: Server): RequestTracker {
  const connections = new Map<Socket, Connection>();
  const requests = new Map<IncomingMessage, Socket>();
  server.on("connection", (socket: Socket) => {
    connections.set(socket, { busy: 0, idleSince: performance.now() });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("request", (req, res) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (connection) connection.busy++;
    requests.set(req, socket);
    res.once("close", () => {
      requests.delete(req);
      if (connection) {
        connection.busy--;
        connection.idleSince = performance.now();
      }
    });
  });
  return { active: () => requests.size, connections, requests };
}

export interface Drained {
  /** Calls still being answered at the grace bound, and cut. */
  cut: number;
  /** Requests whose body had not arrived `UPLOAD_MS` into the shutdown: closed, not counted as calls. */
  uploads: number;
}

/**
 * Stops accepting connections and waits, up to `graceMs`, for the calls in flight to be answered (each
 * answer then closes its connection: server.ts sets `Connection: close` while draining); then closes what is
 * left. A kept-alive connection is closed once it has been idle for `IDLE_MS`, not at once: a client at a few
 * hundred calls a second has a request on its way over an idle connection at any moment, and closing it
 * then resets that request. A request still uploading its body `UPLOAD_MS` in is a slow client, not a call:
 * it is closed rather than holding shutdown for the whole grace period.
 */
export async function drain(server: Server, tracker: RequestTracker, graceMs: number): Promise<Drained> {
  // net's close, not http's: since Node 19 http.Server#close also destroys every idle connection at once
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const started = performance.now();
  let uploads = 0;
  for (;;) {
    const now = performance.now();
    for (const [req, socket] of tracker.requests) {
      if (!req.complete && now - started >= Math.min(UPLOAD_MS, graceMs)) {
        uploads++;
        tracker.requests.delete(req);
        socket.destroy();
      }
    }
    for (const [socket, connection] of tracker.connections) {
      if (connection.busy === 0 && now - connection.idleSince >= Math.min(IDLE_MS, graceMs)) socket.destroy();
    }
    if (tracker.connections.size === 0 || now - started >= graceMs) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const cut = tracker.active();
  server.closeAllConnections();
  await closed;
  server.close(() => {}); // http's own close too, which stops its time-out checks (the server is already closed)
  return { cut, uploads };
}
