import { AcquireTimeoutError } from "./types.js";

/**
 * A connection from `get`, unless `signal` aborts or `timeoutMs` passes first. Neither pool can withdraw a
 * waiting request, so a connection that arrives late is handed straight back with `giveBack`.
 */
export function acquire<T>(
  get: () => Promise<T>,
  signal: AbortSignal,
  timeoutMs: number,
  giveBack: (late: T) => void,
): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      fn();
      return true;
    };
    const onAbort = () => settle(() => reject(signal.reason));
    const timer = setTimeout(
      () => settle(() => reject(new AcquireTimeoutError(`no connection within ${timeoutMs} ms`))),
      timeoutMs,
    );
    signal.addEventListener("abort", onAbort, { once: true });
    get().then(
      (got) => {
        if (!settle(() => resolve(got))) giveBack(got);
      },
      (error: unknown) => settle(() => reject(error)),
    );
  });
}

/**
 * `work`, or a rejection with `signal.reason` as soon as the signal aborts; `onAbort` then stops the
 * statement on the server. The caller must not reuse the connection until `work` settles.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
