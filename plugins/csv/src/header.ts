import { CrmError, phonesIn } from "@santral-hub/sdk";
import { PLUGIN_NAME } from "./name.js";
import { type CsvColumns, mappedHeaders } from "./schema.js";

const CANDIDATES = [";", ",", "\t", "|"];

/** `delimiter: auto`: the candidate that occurs most often, outside quotes, in the header line (the first of `head`). */
export function sniffDelimiter(head: string): string {
  const first = head.split(/\r?\n/, 1)[0] ?? "";
  const unquoted = first.replace(/"[^"]*"/g, "");
  let best = ",";
  let bestCount = 0;
  for (const c of CANDIDATES) {
    const count = unquoted.split(c).length - 1;
    if (count > bestCount) [best, bestCount] = [c, count];
  }
  return best;
}

/**
 * Every column the mapping names must be in the header, once: a typo would otherwise read as "not found"
 * forever. The message names the mapping's headers and counts, never the header's own cells: a file that
 * arrived without its header line has a data row there (a name, a number).
 */
export function checkHeader(header: string[], columns: CsvColumns, file: string, delimiter: string, region: string) {
  const mapped = mappedHeaders(columns);
  const twice = mapped.find((m) => header.indexOf(m.header) !== header.lastIndexOf(m.header));
  if (twice) {
    const at = header.flatMap((h, i) => (h === twice.header ? [i + 1] : [])).join(" and ");
    throw new CrmError(
      "bad_config",
      PLUGIN_NAME,
      `column "${twice.header}" (${twice.path}) is in the header of ${file} more than once (columns ${at}): rename all but one`,
    );
  }
  const missing = mapped.filter((m) => !header.includes(m.header));
  if (missing.length === 0) return;
  const names = missing.map((m) => `column "${m.header}" (${m.path})`).join(", ");
  let message = `${names} ${missing.length > 1 ? "are" : "is"} not in the header of ${file}`;
  const found = [...new Set(mapped.filter((m) => header.includes(m.header)).map((m) => m.header))];
  const count = `${header.length} column${header.length === 1 ? "" : "s"}`;
  message +=
    found.length > 0
      ? `; of the header's ${count}, the mapping finds ${found.map((h) => `"${h}"`).join(", ")}`
      : `; none of the header's ${count} is one the mapping names`;
  // a cell that differs from a mapped name only in case or spacing: quoting it shows nothing but that name
  const near = missing.flatMap((m) => header.filter((h) => loose(h) === loose(m.header)));
  if (near.length > 0)
    message += `; the header has ${near.map((h) => `"${h}"`).join(", ")}: names must match exactly, case and spaces too`;
  const phoneAt = header.findIndex((h) => phonesIn(h, region).length > 0);
  if (phoneAt !== -1) message += `; its column ${phoneAt + 1} holds a phone number: is the header line missing?`;
  const other = CANDIDATES.find((c) => c !== delimiter && header.length === 1 && header[0]?.includes(c));
  if (other)
    message += `; is the delimiter right? it is ${JSON.stringify(delimiter)}, the header contains ${JSON.stringify(other)}`;
  throw new CrmError("bad_config", PLUGIN_NAME, message);
}

function loose(name: string): string {
  return name.toLocaleLowerCase("tr").replace(/[\s_-]/g, "");
}
