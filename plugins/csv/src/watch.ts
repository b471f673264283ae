import { watch } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * Calls `onChange` once a burst of changes to `file` has settled. The directory is watched, not the file:
 * editors and exports replace a file by renaming a new one over it, which ends a watch on the old inode.
 */
export function watchFile(file: string, delayMs: number, onChange: () => void, onError: (e: Error) => void) {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, delayMs);
  });
  watcher.on("error", onError);
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
