import { recaseAllCaps } from "./turkish-case.js";

// C0/C1 controls, DEL, and the Unicode line/paragraph separators: none has a place in speech.
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/**
 * The last stage before the reply: what the PBX reads aloud. Control characters become spaces, words in
 * capitals are re-cased, and the text is cut at a word boundary to at most `maxLength` characters.
 */
export function speak(text: string, maxLength: number): string {
  // a space before punctuation is left by a template value that rendered empty ("Sayın {{ contact.name }}.")
  const spaced = text
    .replace(CONTROL, " ")
    .replace(/\s+/g, " ")
    .replace(/ ([.,;:!?])/g, "$1");
  const clean = recaseAllCaps(spaced.trim());
  if (clean.length <= maxLength) return clean;
  const cut = clean.slice(0, maxLength + 1);
  const space = cut.lastIndexOf(" ");
  return (space > 0 ? cut.slice(0, space) : clean.slice(0, maxLength)).replace(/[\s,;:–-]+$/, "");
}
