import { type Contact, phonesIn } from "@santral-hub/sdk";
import { LRUCache } from "lru-cache";

// The same stored values come back call after call (a CRM returns the same records): parsing them with
// libphonenumber is the costly part of verification, so the numbers each one holds are remembered.
const parsed = new LRUCache<string, string[]>({ max: 20_000 });

function numbersIn(stored: string, region: string): string[] {
  const key = `${region}:${stored}`;
  let numbers = parsed.get(key);
  if (!numbers) {
    numbers = phonesIn(stored, region);
    parsed.set(key, numbers);
  }
  return numbers;
}

/** One candidate checked: the numbers each of its stored phone fields holds, and whether one is the caller's. */
export interface Check {
  contact: Contact;
  phones: { stored: string; numbers: string[] }[];
  kept: boolean;
}

export interface Verified {
  kept: Contact[];
  /** Records the CRM returned whose stored numbers are not the caller's (fuzzy or tokenised search). */
  dropped: Contact[];
  /** Every candidate, in the order returned, with what its phones parsed to: for `explain`. */
  checks: Check[];
}

/**
 * Keeps the candidates found by phone that really carry the caller's number: one of their stored numbers
 * (a field may hold several, or text around them) parses to the caller's E.164. A record without a phone
 * that parses cannot be checked, so it is dropped too: a greeting must not rest on the CRM's say-so.
 */
export function verifyCandidates(candidates: Contact[], e164: string, region: string): Verified {
  const verified: Verified = { kept: [], dropped: [], checks: [] };
  for (const contact of candidates) {
    const phones = contact.phones.map((stored) => ({ stored, numbers: numbersIn(stored, region) }));
    const kept = phones.some((p) => p.numbers.includes(e164));
    (kept ? verified.kept : verified.dropped).push(contact);
    verified.checks.push({ contact, phones, kept });
  }
  return verified;
}
