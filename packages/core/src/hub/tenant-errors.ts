import { RequestError } from "../errors/request-error.js";

/** What stage 2 refuses a request for, with the HTTP status: no such tenant or step, or a wrong token. */
export const TENANT_ERRORS = {
  bad_token: 401,
  unknown_tenant: 404,
  unknown_step: 404,
  unknown_did: 404,
} as const;

export type TenantErrorCode = keyof typeof TENANT_ERRORS;

export function tenantError(code: TenantErrorCode, message: string): RequestError {
  return new RequestError(code, TENANT_ERRORS[code], message);
}
