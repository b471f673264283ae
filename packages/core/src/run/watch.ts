import { type FSWatcher, watch } from "node:fs";
import type { Logger } from "@santral-hub/sdk";

// Editors' swap and backup files: changes to them are not changes to the config.
const SCRATCH = /(?:~|\.swp|\.swx|\.tmp|\.bak)$/i;

/**
 * Calls `onChange` once the tenants directory has been quiet for `debounceMs` after a change: an editor's
 * save or a deploy writing many files makes one reload, not one per file. Every other name triggers it,
 * not only `*.yaml`, so a Kubernetes ConfigMap (which swaps a `..data` symlink) is seen too; a reload that
 * finds no file changed restarts nothing.
 */
export function watchTenants(dir: string, onChange: () => void, debounceMs: number, log: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name && SCRATCH.test(name)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch (error) {
    log.warn({ dir, reason: (error as Error).message }, "cannot watch the tenants directory; reload with SIGHUP");
    return () => {};
  }
  watcher.on("error", (error) => log.warn({ dir, reason: error.message }, "watching the tenants directory failed"));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
