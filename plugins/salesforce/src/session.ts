import type { CrmError, Logger } from "@santral-hub/sdk";
import { Connection, type OAuth2 } from "jsforce";
import type { Grant } from "./auth.js";
import type { Stage } from "./errors.js";
import { PLUGIN_NAME } from "./name.js";

type Transport = Connection["_transport"];

/**
 * jsforce retries a GET up to 5 times, backing off from 0.5 s to 8 s, on 5xx and refused connections:
 * 15 s in which a caller waits. The hub answers with its fallback instead and the next call asks again, so
 * requests are made once, and given up after `timeout` ms rather than jsforce's 30 minutes.
 */
export function bounded(inner: Transport, timeout: number): Transport {
  const wrapped = Object.create(inner) as Transport;
  wrapped.httpRequest = (req, options) =>
    inner.httpRequest(req, { ...options, timeout, retry: { maxRetries: 0, methods: [] } });
  return wrapped;
}

interface Live {
  conn: Connection;
}

export interface SessionOptions {
  grant: Grant;
  oauth2: OAuth2;
  apiVersion: string;
  requestTimeoutMs: number;
  log: Logger;
  toCrmError: (error: unknown, stage: Stage) => CrmError;
}

/**
 * One signed-in session per adapter. The token is fetched once and shared by concurrent lookups; when
 * Salesforce answers INVALID_SESSION_ID, the first lookup to see it signs in again, the others wait for that
 * same grant, and each retries once.
 *
 * jsforce's own `refreshFn` is not used: its session refresh retries a refused request after every refresh
 * with no bound, and rewraps the grant's error in a plain Error that loses the OAuth error code.
 */
export class Session {
  private live: Live | undefined;
  private pending: Promise<Live> | undefined;

  constructor(private readonly o: SessionOptions) {
    o.oauth2._transport = bounded(o.oauth2._transport, o.requestTimeoutMs);
  }

  async call<T>(stage: Stage, fn: (conn: Connection) => Promise<T>): Promise<T> {
    const first = await this.connect();
    try {
      return await fn(first.conn);
    } catch (error) {
      if (!isSessionExpired(error)) throw this.o.toCrmError(error, stage);
      this.o.log.info({ plugin: PLUGIN_NAME, stage }, "salesforce: session expired or invalid, signing in again");
      const second = await this.renew(first);
      try {
        return await fn(second.conn);
      } catch (again) {
        throw this.o.toCrmError(again, stage);
      }
    }
  }

  private connect(): Promise<Live> {
    return this.live ? Promise.resolve(this.live) : this.signIn();
  }

  private renew(stale: Live): Promise<Live> {
    if (this.live && this.live !== stale) return Promise.resolve(this.live); // another lookup renewed it
    this.live = undefined;
    return this.signIn();
  }

  private signIn(): Promise<Live> {
    this.pending ??= this.o
      .grant()
      .then((token) => {
        const conn = new Connection({
          instanceUrl: token.instance_url,
          accessToken: token.access_token,
          version: this.o.apiVersion,
          // jsforce logs request URLs, which hold the SOSL and so the caller's number, when JSFORCE_LOG_LEVEL asks
          logLevel: "NONE",
        });
        conn._transport = bounded(conn._transport, this.o.requestTimeoutMs);
        this.live = { conn };
        return this.live;
      })
      .catch((error: unknown) => {
        throw this.o.toCrmError(error, "token");
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

function isSessionExpired(error: unknown): boolean {
  return (error as { errorCode?: unknown } | null)?.errorCode === "INVALID_SESSION_ID";
}
