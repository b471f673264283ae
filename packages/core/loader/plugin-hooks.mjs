// Module hooks for a tenant's own plugin file (`crm.adapter: ./crm/our-plugin.ts`), registered by
// load-plugin.ts. Plain JS: hooks run on Node's loader thread, which does not go through tsx.
//
// - A `.ts` file is an ES module, as a plugin is (`export default definePlugin(...)`), unless a package.json
//   above it says otherwise: without this, tsx follows Node and reads a `.ts` outside a `"type": "module"`
//   package as CommonJS, which fails with an error about require() cycles.
// - `@santral-hub/sdk`, `zod` and any other package the file imports are found beside it first, then in the
//   hub's own installation: a plugin kept in /etc/santral-hub/crm has no node_modules of its own.
//
// Only files imported under the `santral-plugin` query are touched (the plugin file, and the relative
// imports it makes); the query also carries a retry count, so a file that failed can be imported afresh.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MARK = "santral-plugin";

/** @type {string | undefined} the hub's own location, to resolve the packages a plugin imports */
let hubUrl;

/** @param {{ hubUrl?: string } | undefined} data */
export function initialize(data) {
  hubUrl = data?.hubUrl;
}

/** @param {string} url */
function marked(url) {
  if (!url.startsWith("file:")) return undefined;
  return new URL(url).searchParams.get(MARK) ?? undefined;
}

/** The `type` of the nearest package.json above `file`, if one says. */
function packageType(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const { type } = JSON.parse(readFileSync(manifest, "utf8"));
        return typeof type === "string" ? type : undefined;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string; format?: string | null }>} next
 */
export async function resolve(specifier, context, next) {
  const attempt = context.parentURL ? marked(context.parentURL) : undefined;
  let result;
  try {
    result = await next(specifier, context);
  } catch (error) {
    const bare = !/^(\.{0,2}\/|file:|node:|data:)/.test(specifier);
    if (attempt === undefined || !bare || !hubUrl || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    return next(specifier, { ...context, parentURL: hubUrl });
  }
  const own = marked(result.url) ?? attempt;
  if (own === undefined || !result.url.startsWith("file:")) return result;
  const url = new URL(result.url);
  // only the plugin's own files: a package it imports is loaded as that package says
  if (url.pathname.includes("/node_modules/")) return result;
  url.searchParams.set(MARK, own);
  const file = fileURLToPath(url);
  const format = /\.ts$/.test(file) && packageType(file) === undefined ? "module" : result.format;
  return { ...result, url: url.href, format };
}
