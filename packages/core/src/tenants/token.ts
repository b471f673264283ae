import { timingSafeEqual } from "node:crypto";

/** A tenant's token as the bytes calls are compared with; made once when the tenant loads. */
export function tokenBytes(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

/**
 * Whether the static token a call carries is the tenant's, in constant time: the bytes are compared
 * with `timingSafeEqual` over the tenant token's whole length, and a token of another length compares
 * the tenant's with itself, the same work, so the time says nothing of how much of a guess matched.
 * (Hashing both sides would hide the length too, at a cost on every call; the length is no secret worth it.)
 */
export function tokenMatches(expected: string | Buffer, given: string | undefined): boolean {
  const want = typeof expected === "string" ? tokenBytes(expected) : expected;
  const got = Buffer.from(given ?? "", "utf8");
  const sameLength = got.length === want.length;
  const equal = timingSafeEqual(sameLength ? got : want, want);
  return equal && sameLength && given !== undefined;
}
