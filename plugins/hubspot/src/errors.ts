import { CrmError, type CrmErrorKind } from "@santral-hub/sdk";
import type { Failure } from "./failure.js";
import { PLUGIN_NAME } from "./name.js";

/** What the failed request was for, to say what to fix. */
export interface Doing {
  /** `search contacts`, `owner`, `token refresh`, … */
  what: string;
  auth: "privateApp" | "oauth";
}

/**
 * A failure as the CrmError core acts on. HubSpot's message is quoted only with digit runs masked: a
 * validation error can echo the numbers searched for.
 */
export function toCrmError(failure: Failure, doing: Doing, cause: unknown): CrmError {
  const make = (kind: CrmErrorKind, text: string) =>
    new CrmError(kind, PLUGIN_NAME, `${doing.what}: ${text}`, { cause });
  const { status, category } = failure;
  const said = failure.message ? `: ${mask(failure.message)}` : "";
  const label = [status, category].filter(Boolean).join(" ");
  if (status === undefined) {
    return failure.code
      ? make("unavailable", `cannot reach HubSpot (${failure.code})`)
      : make("unavailable", "HubSpot's answer could not be read (not JSON: a proxy or an outage page?)");
  }
  if (doing.what === "token refresh" && (status === 400 || status === 401)) {
    return make(
      "auth",
      `HubSpot refused the OAuth refresh (${label}${said}): check auth.clientId, clientSecret and refreshToken, or reinstall the app`,
    );
  }
  if (status === 401) {
    const fix =
      doing.auth === "privateApp"
        ? "set auth.accessToken to the private app's current token"
        : "reinstall the OAuth app";
    return make("auth", `HubSpot refused the token (${label}): ${fix}`);
  }
  if (status === 403) {
    const scopes = failure.scopes?.length ? failure.scopes.join(", ") : "the scopes in the plugin's README";
    return make("auth", `the token may not do this (${label}): grant ${scopes} to the app`);
  }
  if (status === 429) return make("rate_limited", `HubSpot's ${failure.policy ?? "rate"} limit is used up (429)`);
  if (status >= 500) return make("unavailable", `HubSpot answered ${label}`);
  if (status === 400)
    return make("bad_config", `HubSpot refused the request (${label}${said}): check the property names`);
  if (status === 404) return make("bad_config", `HubSpot answered 404: check baseUrl`);
  return make("unavailable", `HubSpot answered ${label}${said}`);
}

/** HubSpot's text with every run of 3+ digits hidden, so a number searched for never reaches a log. */
export function mask(text: string): string {
  return text.replace(/\+?\d[\d\s()-]{1,}\d/g, (run) => (run.replace(/\D/g, "").length >= 3 ? "…" : run)).slice(0, 300);
}
