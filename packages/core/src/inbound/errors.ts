/**
 * An error a request caused. The PBX only ever sees `{"status":"error"}` and the HTTP status; `message`
 * says what to change and is shown to the client only when `expose` is set (koa's convention).
 */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly expose = true,
  ) {
    super(message);
  }
}
