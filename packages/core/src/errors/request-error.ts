/**
 * An error a request caused. The PBX only needs its dialect's error body and the HTTP status; `message` says
 * what to change and is shown to the client only when `expose` is set (koa's convention). Each family of
 * codes (the body's, the tenant's) is declared next to what raises it; `REQUEST_ERRORS` joins them.
 */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly expose = true,
  ) {
    super(message);
  }
}
