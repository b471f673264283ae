import { pino } from "pino";

export type HubLogger = pino.Logger;

/** pino JSON; `level: silent` in tests. */
export function createLogger(level = process.env.LOG_LEVEL ?? "info"): HubLogger {
  return pino({ level, base: { service: "santral-hub" } });
}

/** `+905441000000` → `+90544*****00`: enough to correlate, not enough to call. */
export function maskNumber(text: string | undefined): string {
  if (!text) return "";
  const digits = text.replace(/\D/g, "");
  if (digits.length <= 4) return "*".repeat(digits.length);
  const keep = Math.min(5, digits.length - 4);
  return `${text.trim().startsWith("+") ? "+" : ""}${digits.slice(0, keep)}${"*".repeat(digits.length - keep - 2)}${digits.slice(-2)}`;
}
