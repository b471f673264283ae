import { RequestError } from "../errors/request-error.js";

/** What a request's body can be refused for, with the HTTP status: stage 1, before any tenant is known. */
export const BODY_ERRORS = {
  bad_body: 400,
  bad_json: 400,
  bad_xml: 400,
  xml_doctype: 400,
  bad_field: 400,
  too_many_fields: 400,
  field_too_long: 400,
  too_large: 413,
  unsupported_type: 415,
  unsupported_charset: 415,
  unsupported_encoding: 415,
} as const;

export type BodyErrorCode = keyof typeof BODY_ERRORS;

/** A request refused for its body; `message` names a field, a length, a count or a position, never a value. */
export function bodyError(code: BodyErrorCode, message: string): RequestError {
  return new RequestError(code, BODY_ERRORS[code], message);
}
