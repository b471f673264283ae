import { setImmediate } from "node:timers/promises";

/** Work longer than this at a stretch waits for the calls queued behind it (see `pauses`). */
const SLICE_MS = 5;

/**
 * For a long run of work on the event loop (parsing hundreds of tenant files, indexing a file): the function
 * returned resolves at once until `SLICE_MS` of work has passed since the last pause, then after one turn
 * of the event loop, so calls waiting in between are answered.
 */
export function pauses(sliceMs = SLICE_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await setImmediate();
    since = performance.now();
  };
}
