import { upperTr } from "./turkish-case.js";

const FIRST_LETTER = /\p{L}/u;

/** `Ahmet Mehmet Yılmaz` → `A** M** Y**`: enough for the caller and the agent, nothing more. */
export function mask(name: unknown): string {
  if (typeof name !== "string") return "";
  const parts: string[] = [];
  for (const part of name.split(/\s+/)) {
    const letter = FIRST_LETTER.exec(part)?.[0];
    if (letter) parts.push(`${upperTr(letter)}**`);
  }
  return parts.join(" ");
}
