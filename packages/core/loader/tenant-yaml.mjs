// Reading a tenant file's YAML: on the main thread for a few files, in worker threads for a directory of
// hundreds (see tenants/yaml-pool.ts), so that the parsing, which is most of a tenant's cost to load, runs
// on every core. Plain JS: a worker runs it as it is, under the build and under the test runner alike.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { parseDocument } from "yaml";

// `redirect: 05441000000` and `dids: [+908503030303]` keep their leading 0 or +: YAML would read them as numbers.
const digitsWithPrefix = {
  tag: "tag:santral-hub:digits",
  default: true,
  identify: () => false,
  test: /^(?:0|\+)[0-9]+$/,
  resolve: (/** @type {string} */ source) => source,
};

/**
 * A file's text as plain data, or where its first syntax error is.
 * @param {string} source
 * @returns {import("./tenant-yaml.d.mts").YamlRead}
 */
export function readYaml(source) {
  const doc = parseDocument(source, { customTags: (tags) => [digitsWithPrefix, ...tags] });
  const [syntax] = doc.errors;
  if (!syntax) return { data: doc.toJS() };
  const position = syntax.linePos?.[0];
  const message = syntax.message.split(" at line ")[0] ?? syntax.message;
  return { syntax: position ? { message, line: position.line, col: position.col } : { message } };
}

/**
 * A file read, hashed and parsed; `error`: it could not be read.
 * @param {string} file
 * @returns {Promise<import("./tenant-yaml.d.mts").FileRead>}
 */
export async function readTenantFile(file) {
  try {
    const source = await readFile(file, "utf8");
    return { fingerprint: createHash("sha256").update(source).digest("base64url"), yaml: readYaml(source) };
  } catch (error) {
    return { error: /** @type {Error} */ (error).message };
  }
}

// as a worker of the pool: each message a file, each answer its read, in the order asked
if (!isMainThread && workerData === "santral-hub:tenant-yaml") {
  parentPort?.on("message", async (/** @type {{ id: number, file: string }} */ { id, file }) => {
    parentPort?.postMessage({ id, read: await readTenantFile(file) });
  });
}
