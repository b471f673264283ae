import type { Loaded, Skip } from "./load.js";

/** Rows named in a sentence; the log and the per-row warnings have the rest. */
const NAMED = 5;

/**
 * Why a reload must not replace the index in use, or undefined when it may. A file that has more rows the
 * parser could not read than the one in use (a quote left open, a cut export), or that lost more than
 * `maxLoss` of its rows (a file cut short, half written), is not the customer list: the last good one stays.
 * A file whose few bad rows were already there reloads, or one broken row would freeze the index for good.
 */
export function refusal(inUse: Loaded, next: Loaded, maxLoss: number): string | undefined {
  if (next.skipped.length > inUse.skipped.length) {
    const had = inUse.skipped.length;
    return `it has ${rows(next.skipped.length, "malformed row")} where the file in use has ${had} (${lines(next.skipped)})`;
  }
  const before = inUse.table.size;
  const lost = before - next.table.size;
  if (before > 0 && lost / before > maxLoss) {
    const share = Math.round((100 * lost) / before);
    return `it has ${rows(next.table.size, "row")}, ${share}% fewer than the ${before} in use (more than reload.maxLoss: ${maxLoss})`;
  }
  return undefined;
}

/** `2 rows of /data/x.csv skipped: line 4 (the row has 2 columns, the header 3), line 7 (…)`, for check and explain. */
export function skippedSentence(file: string, skipped: Skip[]): string {
  return `${rows(skipped.length, "row")} of ${file} skipped: ${lines(skipped)}`;
}

function lines(skipped: Skip[]): string {
  const named = skipped.slice(0, NAMED).map((s) => `line ${s.line} (${s.reason})`);
  if (skipped.length > NAMED) named.push(`${skipped.length - NAMED} more`);
  return named.join(", ");
}

function rows(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
