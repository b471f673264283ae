import { randomUUID } from "node:crypto";
import { ERRORS } from "./errors.js";

export const ALL_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.companies.read",
  "crm.objects.owners.read",
  "crm.objects.contacts.write",
];

export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

interface Token {
  scopes: string[];
  expiresAt?: number;
  expired?: boolean;
  app?: string;
}

const TOKEN_INFO = /^\/oauth\/v1\/access-tokens\/([^/]+)$/;

/** The fake's tokens: private apps', and OAuth apps' with their refresh grant and token info. */
export class FakeAccounts {
  private readonly tokens = new Map<string, Token>();
  private readonly apps = new Map<string, { secret: string; refresh: string; scopes: string[]; lifetimeS: number }>();
  private issued = 0;

  privateApp(token: string, scopes = ALL_SCOPES): void {
    this.tokens.set(token, { scopes });
  }

  oauthApp(app: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
    scopes?: string[];
    lifetimeS?: number;
  }) {
    const { clientId, clientSecret: secret, refreshToken: refresh, scopes = ALL_SCOPES, lifetimeS = 1800 } = app;
    this.apps.set(clientId, { secret, refresh, scopes, lifetimeS });
  }

  expire(token: string): void {
    const known = this.tokens.get(token);
    if (known) known.expired = true;
  }

  issuedTokens(): string[] {
    return [...this.tokens.entries()].filter(([, t]) => t.app).map(([token]) => token);
  }

  /** HubSpot's answer to a request with this bearer token needing `scope` (if any), or undefined when it may go on. */
  authenticate(token: string | undefined, scope: string | undefined): Answer | undefined {
    const known = token === undefined ? undefined : this.tokens.get(token);
    if (!known) return { status: 401, body: ERRORS.invalidAuth() };
    if (known.expired || (known.expiresAt !== undefined && Date.now() >= known.expiresAt)) {
      return { status: 401, body: ERRORS.expiredAuth() };
    }
    if (scope !== undefined && !known.scopes.includes(scope))
      return { status: 403, body: ERRORS.missingScopes([scope]) };
    return undefined;
  }

  /** The OAuth and token-info endpoints; undefined for any other path. */
  answer(method: string, path: string, body: unknown): Answer | undefined {
    if (method === "POST" && path === "/oauth/v1/token") return this.refresh(body as Record<string, string>);
    const info = TOKEN_INFO.exec(path);
    if (method === "GET" && info) return this.tokenInfo(decodeURIComponent(info[1] ?? ""));
    if (method === "POST" && path === "/oauth/v2/private-apps/get/access-token-info") {
      const known = this.tokens.get(String((body as { tokenKey?: unknown })?.tokenKey));
      if (!known || known.app) return { status: 401, body: ERRORS.invalidAuth() };
      return { status: 200, body: { userId: 7, hubId: 4242, appId: 99, scopes: known.scopes } };
    }
    return undefined;
  }

  private refresh(form: Record<string, string>): Answer {
    const refused = (status: Parameters<typeof ERRORS.oauth>[0], message: string) => ({
      status: 400,
      body: ERRORS.oauth(status, message),
    });
    if (form.grant_type !== "refresh_token") return refused("BAD_GRANT_TYPE", "unsupported grant type");
    const app = this.apps.get(form.client_id ?? "");
    if (!app) return refused("BAD_CLIENT_ID", "missing or unknown client id");
    if (app.secret !== form.client_secret) return refused("BAD_CLIENT_SECRET", "missing or invalid client secret");
    if (app.refresh !== form.refresh_token) return refused("BAD_REFRESH_TOKEN", "missing or unknown refresh token");
    const accessToken = `fake-oauth-${++this.issued}-${randomUUID().slice(0, 8)}`;
    const expiresAt = Date.now() + app.lifetimeS * 1000;
    this.tokens.set(accessToken, { scopes: app.scopes, expiresAt, app: form.client_id });
    const tokens = { token_type: "bearer", refresh_token: app.refresh, access_token: accessToken };
    return { status: 200, body: { ...tokens, expires_in: app.lifetimeS } };
  }

  private tokenInfo(token: string): Answer {
    const known = this.tokens.get(token);
    if (!known?.app) return { status: 404, body: ERRORS.notFound("Token not found") };
    const expiresIn = Math.max(0, Math.round(((known.expiresAt ?? 0) - Date.now()) / 1000));
    const info = { token, user: "it@example.com", hub_domain: "example.com", scopes: known.scopes, hub_id: 4242 };
    return { status: 200, body: { ...info, app_id: 99, expires_in: expiresIn, user_id: 7, token_type: "access" } };
  }
}
