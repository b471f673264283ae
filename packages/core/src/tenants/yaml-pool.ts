import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type FileRead, readTenantFile } from "../../loader/tenant-yaml.mjs";

/** Fewer changed files than this are read on the event loop: starting a worker costs more than it saves. */
const POOL_FROM = 64;
/** Workers at most, whatever the cores. */
const MOST_THREADS = 4;

/**
 * Reads tenant files (their text hashed, their YAML parsed), in the order of `files`: a few on the event
 * loop, each when asked; many on worker threads (one per core but the event loop's), as soon as a worker
 * can, so that parsing hundreds of files (most of what a tenant costs to load) runs beside the calls and
 * the tenants already starting. A worker that fails leaves its files to the event loop.
 */
export function readTenantFiles(files: readonly string[]): (() => Promise<FileRead>)[] {
  const threads = Math.min(MOST_THREADS, availableParallelism() - 1);
  // on the event loop, a file is read when its turn comes, not all at once: the calls go on in between
  const here = (file: string) => () => readTenantFile(file);
  if (files.length < POOL_FROM || threads < 1) return files.map(here);
  const script = new URL("../../loader/tenant-yaml.mjs", import.meta.url);
  const waiting = new Map<number, { file: string; resolve: (read: FileRead) => void }>();
  const reads = files.map((file, id) => {
    const read = new Promise<FileRead>((resolve) => waiting.set(id, { file, resolve }));
    return () => read;
  });
  for (let k = 0; k < threads; k++) {
    const mine = new Set<number>();
    for (let id = k; id < files.length; id += threads) mine.add(id);
    const worker = new Worker(script, { workerData: "santral-hub:tenant-yaml" });
    worker.unref();
    const done = (id: number, read: FileRead) => {
      waiting.get(id)?.resolve(read);
      waiting.delete(id);
      mine.delete(id);
      if (mine.size === 0) void worker.terminate();
    };
    worker.on("message", ({ id, read }: { id: number; read: FileRead }) => done(id, read));
    const fallBack = () => {
      for (const id of [...mine]) {
        const file = waiting.get(id)?.file;
        if (file !== undefined) void readTenantFile(file).then((read) => done(id, read));
      }
    };
    worker.once("error", fallBack);
    worker.once("exit", fallBack);
    for (const id of mine) worker.postMessage({ id, file: files[id] });
  }
  return reads;
}
