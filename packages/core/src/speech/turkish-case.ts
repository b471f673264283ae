const LOCALE = "tr-TR";
// A word: letters (any script) with inner apostrophes or hyphens, as in "YILMAZ'IN" or "AYŞE-NUR".
const WORD = /\p{L}+(?:['’-]\p{L}+)*/gu;

/** `İLKER` → `İlker`, `IŞIK` → `Işık`: first letter upper, the rest lower, by Turkish rules. */
export function capitalizeTr(word: string): string {
  const lower = word.toLocaleLowerCase(LOCALE);
  return lower.charAt(0).toLocaleUpperCase(LOCALE) + lower.slice(1);
}

const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}.*\p{Lu}/u;

/** Two capitals or more and no lower-case letter: how the TTS would spell the word out. */
function isAllCaps(word: string): boolean {
  return !LOWER.test(word) && UPPER.test(word);
}

/** Re-cases every word written in capitals, since the PBX's text-to-speech spells those out letter by letter. */
export function recaseAllCaps(text: string): string {
  return text.replace(WORD, (word) => (isAllCaps(word) ? capitalizeTr(word) : word));
}
