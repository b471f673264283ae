import type { Logger } from "@santral-hub/sdk";

/** A logger that keeps what plugins say, for a command to show or drop (plugins never log numbers or names). */
export function keepingLogger(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, msg, ...obj });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
