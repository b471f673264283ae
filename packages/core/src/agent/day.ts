// "Today" is the tenant's day, in its time zone (a tenant file's `timezone`, Europe/Istanbul by default).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== "literal") out[p.type] = Number(p.value);
  return out;
}

/** The local date of `at` in `timeZone`, `YYYY-MM-DD`. */
export function dayOf(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** The instant (ms) the local day of `at` ends in `timeZone`: the next local midnight, DST included. */
export function endOfDay(at: number, timeZone: string): number {
  const offset = (t: number) => {
    const p = parts(t, timeZone);
    const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, (p.hour ?? 0) % 24, p.minute, p.second);
    return local - Math.floor(t / 1000) * 1000;
  };
  const p = parts(at, timeZone);
  const midnight = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, (p.day ?? 1) + 1);
  // the offset at the guess, not at `at`: a DST change during the day moves midnight
  const guess = midnight - offset(at);
  return midnight - offset(guess);
}
