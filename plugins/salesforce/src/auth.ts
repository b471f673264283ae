import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { CrmError } from "@santral-hub/sdk";
import { OAuth2, type TokenResponse } from "jsforce";
import { PLUGIN_NAME } from "./name.js";
import type { AuthConfig } from "./schema.js";

/** Runs the tenant's OAuth grant once more: a new access token, and the instance it is for. */
export type Grant = () => Promise<TokenResponse>;

export const JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Salesforce accepts a JWT whose `exp` is at most 3 minutes ahead. */
const JWT_LIFETIME_S = 180;

/**
 * The grant for the tenant's flow. Client credentials and JWT bearer return no refresh token, so renewing
 * the session is simply running the same grant again; the refresh-token flow keeps the newest token it is given.
 */
export function tokenGrant(auth: AuthConfig, oauth2: OAuth2, key: KeyObject | undefined, loginUrl: string): Grant {
  switch (auth.flow) {
    case "clientCredentials":
      return () => oauth2.requestToken({ grant_type: "client_credentials" });
    case "jwt": {
      if (!key) throw new Error("jwt flow without a key");
      const claims = { iss: auth.clientId, sub: auth.username, aud: auth.audience ?? jwtAudience(loginUrl) };
      return () => oauth2.requestToken({ grant_type: JWT_GRANT, assertion: jwtAssertion(claims, key) });
    }
    case "refreshToken": {
      let refreshToken = auth.refreshToken;
      return async () => {
        const token = await oauth2.refreshToken(refreshToken);
        // with refresh token rotation on, Salesforce hands out a new one with each use
        if (token.refresh_token) refreshToken = token.refresh_token;
        return token;
      };
    }
  }
}

/** The OAuth client jsforce posts grants with; only the refresh-token flow may go without a secret. */
export function oauthClient(auth: AuthConfig, loginUrl: string): OAuth2 {
  const secret = auth.flow === "jwt" ? undefined : auth.clientSecret;
  return new OAuth2({ loginUrl, clientId: auth.clientId, ...(secret ? { clientSecret: secret } : {}) });
}

/** Sandboxes sign in at test.salesforce.com; everything else, My Domain included, names login.salesforce.com. */
export function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  const sandbox = host === "test.salesforce.com" || host.endsWith(".sandbox.my.salesforce.com");
  return sandbox ? "https://test.salesforce.com" : "https://login.salesforce.com";
}

/** An RS256 JWT for the bearer flow, valid for three minutes. */
export function jwtAssertion(claims: { iss: string; sub: string; aud: string }, key: KeyObject): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "RS256" })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + JWT_LIFETIME_S })}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/**
 * The JWT flow's private key: PEM text (from `${env:…}`, where newlines often arrive as `\n`) or a PEM file
 * relative to the tenant's config directory. Never quoted in an error.
 */
export async function loadPrivateKey(value: string, configDir: string): Promise<KeyObject> {
  let pem = value.includes("-----BEGIN") ? value.replace(/\\n/g, "\n") : undefined;
  if (pem === undefined) {
    // anything else might be a mangled key: never echo it as if it were a file name
    if (!/^\S{1,255}\.(pem|key)$/i.test(value)) {
      throw new CrmError("bad_config", PLUGIN_NAME, "auth.privateKey is neither PEM text nor a .pem or .key file");
    }
    const file = isAbsolute(value) ? value : resolve(configDir, value);
    try {
      pem = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new CrmError("bad_config", PLUGIN_NAME, `auth.privateKey: cannot read ${file} (${code})`, { cause: error });
    }
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new CrmError("bad_config", PLUGIN_NAME, "auth.privateKey is not a PEM private key", { cause: error });
  }
}
