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
