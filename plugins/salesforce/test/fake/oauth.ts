import { type KeyObject, randomBytes, verify } from "node:crypto";

/** The connected app the fake org knows, and the integration user it signs in. */
export interface FakeApp {
  clientId: string;
  clientSecret: string;
  /** JWT bearer: the certificate's public key, the user, and the audience the JWT must name. */
  publicKey?: KeyObject;
  username: string;
  audience: string;
  refreshToken: string;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, string>;
}

const refuse = (error: string, error_description: string): TokenAnswer => ({
  status: 400,
  body: { error, error_description },
});

/**
 * `/services/oauth2/token`: the client credentials, JWT bearer and refresh token grants, with the error
 * answers Salesforce gives. `issue` records a new access token and returns it.
 */
export function grantToken(form: URLSearchParams, app: FakeApp, instanceUrl: string, issue: () => string): TokenAnswer {
  const grant = form.get("grant_type");
  const clientOk = form.get("client_id") === app.clientId;
  switch (grant) {
    case "client_credentials":
      if (!clientOk || form.get("client_secret") !== app.clientSecret) {
        return refuse("invalid_client", "invalid client credentials");
      }
      break;
    case "urn:ietf:params:oauth:grant-type:jwt-bearer": {
      const problem = jwtProblem(form.get("assertion") ?? "", app);
      if (problem) return refuse("invalid_grant", problem);
      break;
    }
    case "refresh_token":
      if (!clientOk) return refuse("invalid_client_id", "client identifier invalid");
      if (form.has("client_secret") && form.get("client_secret") !== app.clientSecret) {
        return refuse("invalid_client", "invalid client credentials");
      }
      if (form.get("refresh_token") !== app.refreshToken)
        return refuse("invalid_grant", "expired access/refresh token");
      break;
    default:
      return refuse("unsupported_grant_type", "grant type not supported");
  }
  const org = "00D5g000004FAKE";
  return {
    status: 200,
    body: {
      access_token: issue(),
      signature: randomBytes(32).toString("base64"),
      scope: "api",
      instance_url: instanceUrl,
      id: `${instanceUrl}/id/${org}/0055g00000FAKEUSER`,
      token_type: "Bearer",
      issued_at: String(Date.now()),
    },
  };
}

/** What is wrong with a JWT bearer assertion: signature (RS256, the app's certificate), iss, sub, aud, exp. */
function jwtProblem(assertion: string, app: FakeApp): string | undefined {
  const [header = "", payload = "", signature = ""] = assertion.split(".");
  if (!app.publicKey) return "the app has no certificate";
  let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
  try {
    if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "RS256") return "invalid assertion";
    claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  } catch {
    return "invalid assertion";
  }
  const signed = Buffer.from(`${header}.${payload}`);
  if (!verify("sha256", signed, app.publicKey, Buffer.from(signature, "base64url"))) return "invalid assertion";
  if (claims.iss !== app.clientId) return "invalid client identifier";
  if (claims.aud !== app.audience) return "audience is invalid";
  if (claims.sub !== app.username) return "user hasn't approved this consumer";
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp < now || claims.exp > now + 300) return "expired authorization code";
  return undefined;
}
