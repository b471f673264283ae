/**
 * A Turkish number in the 10-digit national form tenants are keyed by: `0850 303 03 03`,
 * `908503030303`, `+90 850 303 03 03` and `0090…` all give `8503030303`. Null when it is not 10 digits.
 */
export function normaliseDid(raw: string): string | null {
  let digits = raw.replace(/\D/g, "");
  if (digits.length === 14 && digits.startsWith("0090")) digits = digits.slice(2);
  if (digits.length === 12 && digits.startsWith("90")) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith("0")) digits = digits.slice(1);
  return digits.length === 10 ? digits : null;
}

/** A tenant as far as its numbers go: its id, its file and the DIDs it claims (normalised). */
export interface DidClaimant {
  id: string;
  file: string;
  dids: readonly string[];
}

/** A file refused because another one has (or also claims) one of its numbers. */
export interface DidConflict {
  file: string;
  issues: { path: string; message: string }[];
}

/**
 * Settles which tenants may have the numbers they claim: a number reaches one tenant only, and never
 * changes hands because a file was added.
 *
 * - A DID a tenant serves now (`serving`) stays with it while its file still claims it or still exists
 *   but does not load (the tenant goes on answering on its last good config); every other file claiming
 *   it is refused, whatever their names.
 * - A DID no tenant serves yet (at start, or two files added at once) claimed by two files refuses both:
 *   the hub cannot tell which is the rightful owner, and giving it to the first by file name would let a
 *   restart hand a live customer's number to a file added later. Refusing is loud (log, `/readyz`,
 *   `check`) and never answers a caller from another tenant's CRM.
 *
 * Returns the files to refuse, each with every conflicting DID, in claimant order.
 */
export function settleDids(
  claimants: readonly DidClaimant[],
  serving: ReadonlyMap<string, { id: string; file: string }>,
  /** Files in the directory that did not load: a serving one keeps its numbers on its last good config. */
  unloaded: ReadonlySet<string>,
): DidConflict[] {
  const claims = new Map<string, DidClaimant[]>();
  for (const claimant of claimants) {
    for (const did of new Set(claimant.dids)) claims.set(did, [...(claims.get(did) ?? []), claimant]);
  }
  const refused = new Map<DidClaimant, DidConflict["issues"]>();
  const refuse = (claimant: DidClaimant, did: string, message: string) => {
    const issues = refused.get(claimant) ?? [];
    issues.push({ path: `dids[${claimant.dids.indexOf(did)}]`, message });
    refused.set(claimant, issues);
  };
  for (const [did, list] of claims) {
    const now = serving.get(did);
    const held = now && (unloaded.has(now.file) || list.some((c) => c.file === now.file)) ? now : undefined;
    if (held) {
      for (const c of list) {
        if (c.file === held.file) continue;
        refuse(
          c,
          did,
          `${did} is already served by tenant "${held.id}" (${held.file}); a number reaches one tenant only: ` +
            `take it out of this file, or out of ${held.file} first`,
        );
      }
    } else if (list.length > 1) {
      for (const c of list) {
        const others = list.filter((o) => o !== c).map((o) => `tenant "${o.id}" (${o.file})`);
        refuse(
          c,
          did,
          `${did} is also a DID of ${others.join(", ")} and no tenant serves it yet; a number reaches one tenant ` +
            "only, so neither file is served until one of them drops it",
        );
      }
    }
  }
  return claimants.flatMap((c) => {
    const issues = refused.get(c);
    return issues
      ? [{ file: c.file, issues: issues.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true })) }]
      : [];
  });
}
