import { CrmError, type Logger } from "@santral-hub/sdk";
import { Connection, type OAuth2 } from "jsforce";
import type { Grant } from "./auth.js";
import { Backoff, type Span, seconds } from "./backoff.js";
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
  /** The org's pause after REQUEST_LIMIT_EXCEEDED, shared by the tenants on its credentials. */
  pause: Backoff;
  /** The back-off after the token endpoint refused the credentials. */
  credentials: Span;
  toCrmError: (error: unknown, stage: Stage) => CrmError;
}

/**
 * One signed-in session per adapter. The token is fetched once and shared by concurrent lookups; when
 * Salesforce answers INVALID_SESSION_ID, the first lookup to see it signs in again, the others wait for that
 * same grant, and each retries once.
 *
 * jsforce's own `refreshFn` is not used: its session refresh retries a refused request after every refresh
 * with no bound, and rewraps the grant's error in a plain Error that loses the OAuth error code.
 *
 * An org that refused a request (REQUEST_LIMIT_EXCEEDED) or the credentials is left alone for a while,
 * longer each time in a row: the lookups meanwhile fail at once, without a request, so a surge of calls does
 * not hammer an org that is already refusing, nor its token endpoint.
 */
export class Session {
  private live: Live | undefined;
  private pending: Promise<Live> | undefined;
  private readonly signIns: Backoff;
  /** The last refusal of the credentials, repeated while `signIns` waits. */
  private refused: CrmError | undefined;

  constructor(private readonly o: SessionOptions) {
    o.oauth2._transport = bounded(o.oauth2._transport, o.requestTimeoutMs);
    this.signIns = new Backoff(o.credentials);
  }

  async call<T>(stage: Stage, fn: (conn: Connection) => Promise<T>): Promise<T> {
    const paused = this.o.pause.remaining();
    if (paused > 0) {
      const text = `the org's API request limit is used up (REQUEST_LIMIT_EXCEEDED); no request to it for another ${seconds(paused)}`;
      throw new CrmError("rate_limited", PLUGIN_NAME, text);
    }
    const first = await this.connect();
    try {
      return this.answered(await fn(first.conn));
    } catch (error) {
      if (!isSessionExpired(error)) throw this.failed(error, stage);
      this.o.log.info({ plugin: PLUGIN_NAME, stage }, "salesforce: session expired or invalid, signing in again");
      const second = await this.renew(first);
      try {
        return this.answered(await fn(second.conn));
      } catch (again) {
        throw this.failed(again, stage);
      }
    }
  }

  /** The org's instance URL (`https://acme.my.salesforce.com`), from the live session or a new sign-in. */
  async instanceUrl(): Promise<string> {
    return (await this.connect()).conn.instanceUrl;
  }

  private answered<T>(value: T): T {
    this.o.pause.succeed();
    return value;
  }

  private failed(error: unknown, stage: Stage): CrmError {
    if ((error as { errorCode?: unknown } | null)?.errorCode === "REQUEST_LIMIT_EXCEEDED") {
      const pauseMs = this.o.pause.fail();
      if (pauseMs !== undefined) {
        this.o.log.warn(
          { plugin: PLUGIN_NAME, stage, errorCode: "REQUEST_LIMIT_EXCEEDED", pauseMs },
          "salesforce: the org's API request limit is used up; pausing its requests",
        );
      }
    }
    return this.o.toCrmError(error, stage);
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
    if (this.pending) return this.pending;
    const waiting = this.signIns.remaining();
    if (waiting > 0 && this.refused) {
      const text = `${this.refused.message.replace(`${PLUGIN_NAME}: `, "")}; not asking again for another ${seconds(waiting)}`;
      return Promise.reject(new CrmError("auth", PLUGIN_NAME, text, { cause: this.refused }));
    }
    this.pending = this.o
      .grant()
      .then((token) => {
        this.signIns.succeed();
        this.refused = undefined;
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
        const refused = this.o.toCrmError(error, "token");
        // only a refusal waits: a token endpoint that is down or slow is asked again by the next call
        if (refused.kind === "auth") {
          this.refused = refused;
          const retryInMs = this.signIns.fail();
          this.o.log.warn(
            { plugin: PLUGIN_NAME, stage: "token", retryInMs },
            "salesforce: the token endpoint refused the credentials; not asking again for a while",
          );
        }
        throw refused;
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
