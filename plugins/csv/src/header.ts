import { open } from "node:fs/promises";
import { CrmError } from "@santral-hub/sdk";
import iconv from "iconv-lite";
import { PLUGIN_NAME } from "./name.js";
import { type CsvColumns, mappedHeaders } from "./schema.js";

const CANDIDATES = [";", ",", "\t", "|"];

/** `delimiter: auto`: the candidate that occurs most often, outside quotes, in the header line. */
export async function sniffDelimiter(file: string, encoding: string): Promise<string> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const first = iconv.decode(buffer.subarray(0, bytesRead), encoding).split(/\r?\n/, 1)[0] ?? "";
    const unquoted = first.replace(/"[^"]*"/g, "");
    let best = ",";
    let bestCount = 0;
    for (const c of CANDIDATES) {
      const count = unquoted.split(c).length - 1;
      if (count > bestCount) [best, bestCount] = [c, count];
    }
    return best;
  } finally {
    await handle.close();
  }
}

/** Every column the mapping names must be in the header: a typo would otherwise read as "not found" forever. */
export function checkHeader(header: string[], columns: CsvColumns, file: string, delimiter: string): void {
  const missing = mappedHeaders(columns).filter((m) => !header.includes(m.header));
  if (missing.length === 0) return;
  const names = missing.map((m) => `column "${m.header}" (${m.path})`).join(", ");
  let message = `${names} ${missing.length > 1 ? "are" : "is"} not in the header of ${file}; the header has: ${header.join(", ")}`;
  const other = CANDIDATES.find((c) => c !== delimiter && header.length === 1 && header[0]?.includes(c));
  if (other)
    message += `; is the delimiter right? it is ${JSON.stringify(delimiter)}, the header contains ${JSON.stringify(other)}`;
  throw new CrmError("bad_config", PLUGIN_NAME, message);
}
