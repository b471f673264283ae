import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Whether the static token a call carries is the tenant's. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the prefix that matched; a missing token is
 * hashed too, and only refused after the comparison.
 */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  const equal = timingSafeEqual(digest(expected), digest(given ?? ""));
  return equal && given !== undefined;
}
