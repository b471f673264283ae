import type { Logger } from "@santral-hub/sdk";
import type { Tokens } from "./api.js";
import { PLUGIN_NAME } from "./name.js";
import type { AuthConfig } from "./schema.js";
import { raceSignal } from "./signals.js";

/** The token each request carries, and what a 401 may do about it. */
export interface Auth {
  readonly type: AuthConfig["type"];
  /** A token to send; an OAuth token is refreshed when missing or expired. */
  token(signal: AbortSignal): Promise<string>;
  /** HubSpot refused `token`: true when a fresh one can be had (OAuth), so the request is worth one retry. */
  invalidate(token: string): boolean;
}

/** HubSpot's access tokens live 30 minutes; one is renewed this long before it expires, in the background. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export function createAuth(
  config: AuthConfig,
  refresh: (refreshToken: string) => Promise<Tokens>,
  log: Logger,
  now: () => number = Date.now,
): Auth {
  if (config.type === "privateApp") {
    const { accessToken } = config;
    return { type: "privateApp", token: async () => accessToken, invalidate: () => false };
  }
  return new OAuthTokens(config.refreshToken, refresh, log, now);
}

class OAuthTokens implements Auth {
  readonly type = "oauth";
  private access: { token: string; expiresAt: number; renewAt: number } | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private refreshToken: string,
    private readonly refresh: (refreshToken: string) => Promise<Tokens>,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async token(signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const access = this.access;
    const at = this.now();
    if (access && at < access.expiresAt) {
      // still valid but due: renew it for the next calls, without making this one wait
      if (at >= access.renewAt) this.renew().catch(() => {});
      return access.token;
    }
    return raceSignal(this.renew(), signal);
  }

  invalidate(token: string): boolean {
    if (this.access?.token === token) this.access = undefined;
    return true;
  }

  /** One refresh at a time, shared by every waiting request; it is not tied to any one call's signal. */
  private renew(): Promise<string> {
    this.refreshing ??= this.refresh(this.refreshToken)
      .then((tokens) => {
        const at = this.now();
        const lifetime = tokens.expiresInS * 1000;
        const ahead = Math.min(REFRESH_AHEAD_MS, lifetime / 2);
        this.access = { token: tokens.accessToken, expiresAt: at + lifetime - 1000, renewAt: at + lifetime - ahead };
        if (tokens.refreshToken) this.refreshToken = tokens.refreshToken;
        this.log.debug({ plugin: PLUGIN_NAME, expiresInS: tokens.expiresInS }, "hubspot: access token refreshed");
        return tokens.accessToken;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
