/**
 * Why a plugin could not tell whether the caller is known. Each kind is documented in the README
 * (a test checks it), and none is ever cached: the next call asks the CRM again.
 */
export const CRM_ERROR_KINDS = {
  auth: "the CRM refused the credentials: fix the tenant's secrets",
  rate_limited: "the CRM's API quota is used up for now",
  unavailable: "the CRM could not be reached or answered with a server error",
  timeout: "the CRM did not answer in time",
  bad_config: "the tenant's plugin config names something the CRM does not have",
} as const;

export type CrmErrorKind = keyof typeof CRM_ERROR_KINDS;

/** The one error a plugin throws: tagged with its kind and plugin, chaining the original cause. */
export class CrmError extends Error {
  override readonly name = "CrmError";
  constructor(
    readonly kind: CrmErrorKind,
    readonly plugin: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${plugin}: ${message}`, options);
  }
}

export function isCrmError(error: unknown): error is CrmError {
  return error instanceof CrmError || (error instanceof Error && error.name === "CrmError" && "kind" in error);
}
