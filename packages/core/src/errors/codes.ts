import { TENANT_ERRORS } from "../hub/tenant-errors.js";
import { BODY_ERRORS } from "../inbound/errors.js";

/**
 * Every error a request can cause, with its HTTP status: the one registry, each code documented in the
 * README's table (test/readme.e2e.test.ts checks both ways). Its families are declared where they are raised.
 */
export const REQUEST_ERRORS = { ...BODY_ERRORS, ...TENANT_ERRORS } as const;

export type RequestErrorCode = keyof typeof REQUEST_ERRORS;

/** The families, for the check that no code is declared twice (a spread would keep one silently). */
export const ERROR_FAMILIES = { body: BODY_ERRORS, tenant: TENANT_ERRORS } as const;
