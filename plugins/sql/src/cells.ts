// "vip" lowercased the Turkish way is "vıp", so dotless ı is folded to i before comparing
const TRUTHY = new Set(["1", "true", "t", "evet", "e", "yes", "y", "x", "vip"]);

/** A cell as text: numbers and booleans written out, dates as ISO, binary as UTF-8; empty → "". */
export function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("utf8").trim();
  if (Array.isArray(value)) return value.map(text).filter(Boolean).join(", ");
  return String(value).trim();
}

export function isTruthy(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") return Number(value) !== 0;
  return TRUTHY.has(text(value).toLocaleLowerCase("tr").replace(/ı/g, "i"));
}
