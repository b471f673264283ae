/** Powers of ten, exact as doubles up to 10^15. */
const TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** An E.164 number (`+905441000000`) as an index key: its digits as a number, exact (at most 15 digits). */
export function phoneKey(e164: string): number | undefined {
  return /^\+[1-9]\d{0,14}$/.test(e164) ? Number(e164.slice(1)) : undefined;
}

/**
 * A customer number's digits as an index key, read off the bytes between `start` and `end` (ASCII digits,
 * whatever the encoding; anything else is skipped, as `\D` is), or undefined when there are none. Leading
 * zeros count (`0042` is not `42`): the key is the number `1` followed by the digits, exact up to 15 digits.
 * A longer number is hashed into keys above those, so a hit on it must be checked against the row.
 */
export function customerKey(b: Uint8Array, start: number, end: number): number | undefined {
  let value = 0;
  let digits = 0;
  let hash = 0x811c9dc5; // FNV-1a
  for (let p = start; p < end; p++) {
    const c = b[p] as number;
    if (c < 0x30 || c > 0x39) continue;
    value = value * 10 + (c - 0x30);
    hash = Math.imul(hash ^ c, 0x01000193);
    digits++;
  }
  if (digits === 0) return undefined;
  return digits <= 15 ? (TEN[digits] as number) + value : 3e15 + (hash >>> 0) * 1024 + Math.min(digits, 1023);
}

/** {@link customerKey} of digits typed in the IVR. */
export function customerKeyOf(digits: string): number | undefined {
  return customerKey(Buffer.from(digits, "latin1"), 0, digits.length);
}
