/** What {@link turkishNumber} returns for a cell it leaves to the sdk's `phonesIn`. */
export const DEFER = -1;

/** `+90` as the leading digits of a 12-digit E.164 number. */
const TR = 90e10;

// The national numbers libphonenumber-js (the "max" metadata the sdk reads) deems valid in TR, for the
// types a CRM holds: fixed lines, mobiles and 850. All but two mobile ranges are a 3-digit prefix and any
// 7 digits; those two (561, 582) are valid only in part, as the metadata's own pattern says:
//   5(?:61(?:011|61\d)|82[2-5]\d\d)\d{4}
// Every other number (800, 444, 900, an unallocated prefix) goes to phonesIn, which also reads numbers that
// are merely possible, and some as another country's: the test against phonesIn keeps this in step.
const WHOLE =
  /^(?:2(?:1[26]|[28][2468]|[3-5][268]|[67][246])|3(?:[13][28]|[24-6][2468]|[78][02468]|92)|4(?:[16][246]|[23578][2468]|4[26])|5(?:[03-5]\d|1[06]|24|6[24]|7[245]|9[46])|850)$/;
const ANY = 1;
const PART_561 = 2;
const PART_582 = 3;
const PREFIX = new Uint8Array(1000);
for (let p = 100; p < 1000; p++) if (WHOLE.test(String(p))) PREFIX[p] = ANY;
PREFIX[561] = PART_561;
PREFIX[582] = PART_582;

function valid(national: number): boolean {
  switch (PREFIX[Math.floor(national / 1e7)]) {
    case ANY:
      return true;
    case PART_561: {
      const next = Math.floor(national / 1e4) % 1000; // 561 011 xxxx, 561 61x xxxx
      return next === 11 || (next >= 610 && next <= 619);
    }
    case PART_582: {
      const next = Math.floor(national / 1e6) % 10; // 582 [2-5]xx xxxx
      return next >= 2 && next <= 5;
    }
    default:
      return false;
  }
}

/**
 * The number in a phone cell as its E.164 digits (`905441000000`), read off the bytes, when the cell is
 * plainly one valid Turkish number: 10 national digits, behind `0`, `90`, `+90` or `0090`, with spaces,
 * dashes, dots and brackets anywhere. 0 for a blank cell (no numbers), {@link DEFER} for anything else:
 * several numbers, text, other countries, a prefix not in use, non-ASCII bytes. For those shapes it gives
 * exactly what `phonesIn(cell, "TR")` gives, without its regular expressions and libphonenumber per cell.
 */
export function turkishNumber(b: Uint8Array, start: number, end: number): number {
  let value = 0;
  let digits = 0;
  let plus = false;
  for (let p = start; p < end; p++) {
    const c = b[p] as number;
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 14) return DEFER;
      value = value * 10 + (c - 0x30);
    } else if (c === 0x2b) {
      // "+" once, first, and right before a digit
      if (plus || digits > 0 || !((b[p + 1] ?? 0) >= 0x30 && (b[p + 1] ?? 0) <= 0x39)) return DEFER;
      plus = true;
    } else if (c !== 0x20 && c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) return DEFER;
  }
  if (digits === 0) return plus ? DEFER : 0;
  // the digits' value drops leading zeros: their count tells `0544…` (11) from `544…` (10)
  let national: number;
  if (plus) national = digits === 12 ? value - TR : -1;
  else if (digits === 10 || digits === 11) national = value;
  else if (digits === 12 || digits === 14)
    national = value - TR; // 90…, 0090…
  else return DEFER;
  return national >= 1e9 && national < 1e10 && valid(national) ? TR + national : DEFER;
}
