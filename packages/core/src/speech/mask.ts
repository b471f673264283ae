import { capitalizeTr } from "./turkish-case.js";

/** `Ahmet Mehmet Yılmaz` → `A** M** Y**`: enough for the caller and the agent, nothing more. */
export function mask(name: unknown): string {
  if (typeof name !== "string") return "";
  return name
    .split(/\s+/)
    .filter((part) => /\p{L}/u.test(part))
    .map((part) => `${capitalizeTr([...part.replace(/^\P{L}+/u, "")][0] ?? "")}**`)
    .join(" ");
}
