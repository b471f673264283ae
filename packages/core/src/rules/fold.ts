import { lowerTr } from "../speech/turkish-case.js";

/**
 * Folds text for case-insensitive comparison the Turkish way: `İSTANBUL`, `istanbul` and `Istanbul` are
 * equal. Dotted and dotless i fold together too, because CRMs often upper-case with non-Turkish rules
 * (`"istanbul".toUpperCase()` is `ISTANBUL`, which Turkish rules lower-case to `ıstanbul`).
 */
export function foldTr(text: string): string {
  return lowerTr(text.normalize("NFC").trim()).replace(/ı/g, "i");
}
