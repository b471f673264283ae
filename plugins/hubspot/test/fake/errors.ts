import { randomUUID } from "node:crypto";

/** HubSpot's error bodies, as its API sends them (shapes from its docs and client; messages as observed). */
export const ERRORS = {
  invalidAuth: () => ({
    status: "error",
    message:
      "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    correlationId: randomUUID(),
    category: "INVALID_AUTHENTICATION",
  }),
  expiredAuth: () => ({
    status: "error",
    message: "The OAuth token used to make this call expired 1 minute(s) ago.",
    correlationId: randomUUID(),
    category: "EXPIRED_AUTHENTICATION",
  }),
  missingScopes: (scopes: string[]) => ({
    status: "error",
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId: randomUUID(),
    errors: [
      { message: "One or more of the following scopes are required.", context: { requiredGranularScopes: scopes } },
    ],
    links: { scopes: "https://developers.hubspot.com/scopes" },
    category: "MISSING_SCOPES",
  }),
  rateLimit: (policy: "SECONDLY" | "TEN_SECONDLY_ROLLING" | "DAILY") => ({
    status: "error",
    message: `You have reached your ${policy === "SECONDLY" ? "secondly" : policy.toLowerCase()} limit.`,
    errorType: "RATE_LIMIT",
    correlationId: randomUUID(),
    policyName: policy,
  }),
  validation: (message: string) => ({
    status: "error",
    message,
    correlationId: randomUUID(),
    category: "VALIDATION_ERROR",
  }),
  notFound: (message: string) => ({
    status: "error",
    message,
    correlationId: randomUUID(),
    category: "OBJECT_NOT_FOUND",
  }),
  serverError: () => ({
    status: "error",
    message: "internal error",
    correlationId: randomUUID(),
    category: "INTERNAL_ERROR",
  }),
  /** The OAuth endpoints answer in their own shape. */
  oauth: (status: "BAD_CLIENT_ID" | "BAD_CLIENT_SECRET" | "BAD_REFRESH_TOKEN" | "BAD_GRANT_TYPE", message: string) => ({
    status,
    message,
    correlationId: randomUUID(),
  }),
};

/** What a proxy in front of HubSpot sends on a 502: not JSON. */
export const GATEWAY_HTML =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
