import { pino } from "pino";

export type HubLogger = pino.Logger;

/**
 * pino JSON on stdout; `level: silent` in tests. Piped to a log collector, lines are buffered (up to
 * 4 KiB, written at least every second) rather than costing a write syscall per call; on a terminal they
 * are written at once.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? "info"): HubLogger {
  if (process.stdout.isTTY) return pino({ level, base: { service: "santral-hub" } });
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), 1000).unref();
  process.once("exit", () => destination.flushSync());
  return pino({ level, base: { service: "santral-hub" } }, destination);
}

/** `+905441000000` → `+90544*****00`: enough to correlate, not enough to call. */
export function maskNumber(text: string | undefined): string {
  if (!text) return "";
  const digits = text.replace(/\D/g, "");
  if (digits.length <= 4) return "*".repeat(digits.length);
  const keep = Math.min(5, digits.length - 4);
  return `${text.trim().startsWith("+") ? "+" : ""}${digits.slice(0, keep)}${"*".repeat(digits.length - keep - 2)}${digits.slice(-2)}`;
}
