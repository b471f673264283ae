/** Every error a request can cause, with its HTTP status: one registry, each code documented in the README. */
export const REQUEST_ERRORS = {
  bad_body: 400,
  bad_json: 400,
  bad_xml: 400,
  xml_doctype: 400,
  bad_field: 400,
  too_many_fields: 400,
  field_too_long: 400,
  bad_token: 401,
  unknown_tenant: 404,
  unknown_step: 404,
  unknown_did: 404,
  too_large: 413,
  unsupported_type: 415,
  unsupported_charset: 415,
  unsupported_encoding: 415,
} as const;

export type RequestErrorCode = keyof typeof REQUEST_ERRORS;

/**
 * An error a request caused. The PBX only needs `{"status":"error"}` and the HTTP status; `message` says
 * what to change and is shown to the client only when `expose` is set (koa's convention).
 */
export class RequestError extends Error {
  override readonly name = "RequestError";
  readonly status: number;
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    readonly expose = true,
  ) {
    super(message);
    this.status = REQUEST_ERRORS[code];
  }
}
