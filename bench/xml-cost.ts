// What an unauthenticated body costs the hub before its token is checked: the CPU time of the function the
// server reads every call's body with (`readInbound`: read, decode, parse, merge the fields), for the costliest
// of a few hostile 64 KiB XML bodies and of a few 64 KiB JSON bodies. In process, with no HTTP around it: the
// HTTP part costs both formats the same, and would only hide the difference.
import { Readable } from "node:stream";
import type { Context } from "koa";
import { readInbound } from "../packages/core/src/inbound/body.js";

/** `readInbound`'s shape, so the same measure can be run against another checkout's. */
export type ReadInbound = (ctx: Context, limit: number) => Promise<unknown>;

/** The hub's default `limits.body`: every body here is just under it, so none is refused as too large. */
const LIMIT = 64 * 1024;

/** `open`, then `unit` (numbered by `$`) as many times as fits under the limit, then `close`. */
function fill(open: string, unit: string, close: string): string {
  let body = open;
  for (let i = 0; ; i++) {
    const next = unit.replaceAll("$", String(i));
    if (Buffer.byteLength(body + next + close) > LIMIT) return body + close;
    body += next;
  }
}

const TEXT = "x".repeat(1000);
const AMPS = "&amp;".repeat(1000);

/** Hostile XML: the shapes that cost the validator and the parser most, and the largest a call can be. */
export const XML_BODIES: Record<string, string> = {
  "empty elements": fill("<call>", "<a/>", "</call>"),
  "nested elements": fill("<call>", "<a>", "</call>"),
  "elements with attributes": fill("<call>", '<a b="1" c="2"/>', "</call>"),
  "an element with many attributes": fill("<call><a", ' b$="1"', "/></call>"),
  "the most fields, each 1000 characters": fill("<call>", `<f$>${TEXT}</f$>`, "</call>"),
  "fields of entities": fill("<call>", `<f$>${AMPS}</f$>`, "</call>"),
};

/** JSON of the same size: many fields, and a few long ones. */
export const JSON_BODIES: Record<string, string> = {
  "many fields": fill('{"z":""', ',"f$":""', "}"),
  "the most fields, each 1000 characters": fill('{"z":""', `,"f$":"${TEXT}"`, "}"),
  "many numbers in an array": fill('{"z":[0', ",1", "]}"),
  "nested arrays": `{"z":${"[".repeat(32_700)}${"]".repeat(32_700)}}`,
};

/** A request as Koa hands it to `readInbound`: a POST of `body`, no query, no token. */
function requestOf(body: string, type: string): Context {
  const bytes = Buffer.from(body);
  const headers: Record<string, string> = { "content-type": type };
  return {
    method: "POST",
    querystring: "",
    query: {},
    get: (name: string) => headers[name.toLowerCase()] ?? "",
    request: { length: bytes.length },
    req: Readable.from([bytes]),
  } as unknown as Context;
}

/** CPU milliseconds (user + system) one read of `body` costs, averaged over enough reads to be steady. */
export async function cpuMs(read: ReadInbound, body: string, type: string): Promise<number> {
  const once = () => read(requestOf(body, type), LIMIT).catch(() => undefined); // refused or not, it is the cost
  for (let i = 0; i < 3; i++) await once(); // warm the JIT
  let reads = 0;
  const start = process.cpuUsage();
  let spent = 0;
  while (reads < 5 || (spent < 300 && reads < 20_000)) {
    await once();
    reads++;
    const used = process.cpuUsage(start);
    spent = (used.user + used.system) / 1000;
  }
  return spent / reads;
}

/** The costliest body of each kind, and how many times the XML one costs the JSON one. */
export async function xmlCost(
  read: ReadInbound = readInbound,
): Promise<{ xmlMs: number; jsonMs: number; ratio: number; xmlShape: string; jsonShape: string }> {
  const costliest = async (bodies: Record<string, string>, type: string) => {
    let worst = { shape: "", ms: 0 };
    for (const [shape, body] of Object.entries(bodies)) {
      const ms = await cpuMs(read, body, type);
      if (ms > worst.ms) worst = { shape, ms };
    }
    return worst;
  };
  const xml = await costliest(XML_BODIES, "text/xml");
  const json = await costliest(JSON_BODIES, "application/json");
  return { xmlMs: xml.ms, jsonMs: json.ms, ratio: xml.ms / json.ms, xmlShape: xml.shape, jsonShape: json.shape };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `tsx bench/xml-cost.ts [path/to/body.ts]`: another checkout's readInbound, to compare before and after
  const other = process.argv[2];
  const read = other ? ((await import(other)) as { readInbound: ReadInbound }).readInbound : readInbound;
  console.log(await xmlCost(read));
}
