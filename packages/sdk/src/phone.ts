import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

/** A caller's number, parsed once, with the forms a CRM may have stored it in. */
export interface Phone {
  /** `+905441000000` */
  e164: string;
  /** The national significant number, without trunk prefix: `5441000000`. */
  national: string;
  /** ISO region of the number, `TR` for Turkish numbers; absent for non-geographic ones. */
  country?: string;
  /** Every shape a CRM may hold, most common first (see {@link phoneShapes}). */
  variants: string[];
}

/** Turkey: what Netsantral numbers are, unless a tenant says otherwise. */
export const DEFAULT_REGION = "TR";

const WITHHELD = /^(anonymous|unknown|private|restricted|withheld|gizli|bilinmiyor|-1|0+)$/i;

/**
 * Parses a number as it arrives from a PBX or sits in a CRM field.
 *
 * `null` for empty, withheld or unparseable input. A `+` that a GET query or form body decoded into a
 * space (` 905441000000`) is recovered: when the number is not valid read in the default region, it is
 * read again as international.
 */
export function parsePhone(raw: string | undefined | null, region: string = DEFAULT_REGION): Phone | null {
  const text = (raw ?? "").trim();
  if (text === "" || WITHHELD.test(text)) return null;
  const digits = text.replace(/\D/g, "");
  if (digits.length < 3) return null;
  let parsed = parsePhoneNumberFromString(text, region as CountryCode);
  if (!parsed?.isValid() && !text.startsWith("+")) {
    const international = parsePhoneNumberFromString(`+${digits.replace(/^00/, "")}`);
    if (international?.isValid()) parsed = international;
  }
  if (!parsed?.isPossible()) return null;
  const phone: Phone = { e164: parsed.number, national: parsed.nationalNumber, variants: [] };
  if (parsed.country) phone.country = parsed.country;
  phone.variants = phoneShapes(phone);
  return phone;
}

/**
 * The shapes a CRM may hold this number in, for plugins to search with: E.164, without `+`, with `00`,
 * with the trunk `0`, the bare national number, and the spaced and bracketed forms people type.
 * Deterministic and without duplicates, so it can be part of a cache key.
 */
export function phoneShapes(phone: Pick<Phone, "e164" | "national">): string[] {
  const cc = phone.e164.slice(1, phone.e164.length - phone.national.length);
  const n = phone.national;
  const shapes = [phone.e164, `${cc}${n}`, `00${cc}${n}`, `0${n}`, n];
  if (n.length === 10) {
    // Turkish grouping: 544 100 00 00 (and the 3-3-4 grouping some CRMs use)
    const [a, b, c, d] = [n.slice(0, 3), n.slice(3, 6), n.slice(6, 8), n.slice(8)];
    const e = n.slice(6);
    shapes.push(
      `0${a} ${b} ${c} ${d}`,
      `+${cc} ${a} ${b} ${c} ${d}`,
      `${a} ${b} ${c} ${d}`,
      `(0${a}) ${b} ${c} ${d}`,
      `+${cc} (${a}) ${b} ${c} ${d}`,
      `+${cc} (${a}) ${b}-${e}`,
      `(${a}) ${b}-${e}`,
      `0${a} ${b} ${e}`,
      `+${cc} ${a} ${b} ${e}`,
      `${cc} ${a} ${b} ${c} ${d}`,
    );
  }
  return [...new Set(shapes)];
}

/**
 * Every number written in a CRM field, as E.164. A field may hold several numbers
 * (`0212 555 12 34 / 0544 100 00 00`) or text around them (`cep: 0544…`); junk yields nothing.
 */
export function phonesIn(text: string, region: string = DEFAULT_REGION): string[] {
  const found = new Set<string>();
  for (const chunk of text.split(/[,;/|\n]|\s(?:or|veya|ya da)\s/i)) {
    const candidate = chunk.match(/\+?[\d][\d\s().-]{5,}\d/g) ?? [];
    for (const c of candidate) {
      const phone = parsePhone(c, region);
      if (phone) found.add(phone.e164);
    }
  }
  return [...found];
}
