import { type Contact, phonesIn } from "@santral-hub/sdk";

export interface Verified {
  kept: Contact[];
  /** Records the CRM returned whose stored numbers are not the caller's (fuzzy or tokenised search). */
  dropped: Contact[];
}

/**
 * Keeps the candidates found by phone that really carry the caller's number: one of their stored numbers
 * (a field may hold several, or text around them) parses to the caller's E.164.
 */
export function verifyCandidates(candidates: Contact[], e164: string, region: string): Verified {
  const kept: Contact[] = [];
  const dropped: Contact[] = [];
  for (const contact of candidates) {
    const carries = contact.phones.some((stored) => phonesIn(stored, region).includes(e164));
    (carries ? kept : dropped).push(contact);
  }
  return { kept, dropped };
}
