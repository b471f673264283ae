/** A daily time window on some weekdays: `09:00-18:00 mon-fri`, `22:00-06:00` (wraps past midnight). */
export interface TimeWindow {
  /** The window as written, for logs and messages. */
  text: string;
  /** Minutes after midnight; `start` is inclusive, `end` exclusive (1440 for `24:00`). */
  start: number;
  end: number;
  /** Bit `d` set when the window opens on weekday `d` (0 = Monday … 6 = Sunday). */
  days: number;
}

export const WINDOW_FORMAT =
  'expected "HH:MM-HH:MM [days]", e.g. "09:00-18:00 mon-fri", "10:00-14:00 sat,sun" or "22:00-06:00"';

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const ALL_DAYS = 0b1111111;
const WINDOW = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(.+))?$/;

function minutes(hours: string, mins: string, allow24: boolean): number | undefined {
  const h = Number(hours);
  const m = Number(mins);
  if (m > 59 || h > 24 || (h === 24 && (!allow24 || m !== 0))) return undefined;
  return h * 60 + m;
}

function dayIndex(name: string): number {
  return DAY_NAMES.indexOf(name as (typeof DAY_NAMES)[number]);
}

/** `mon-fri`, `sat,sun`, `mon,wed-fri`, `fri-mon` (ranges may wrap over the week end) → bit mask. */
function parseDays(text: string): number | undefined {
  let mask = 0;
  for (const part of text.toLowerCase().replace(/\s+/g, "").split(",")) {
    const [from, to, extra] = part.split("-");
    const a = dayIndex(from ?? "");
    const b = to === undefined ? a : dayIndex(to);
    if (a < 0 || b < 0 || extra !== undefined) return undefined;
    for (let d = a; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d === b) break;
    }
  }
  return mask;
}

/** Parses a window at load time; throws an Error whose message says what is wrong and the format. */
export function parseWindow(text: string): TimeWindow {
  const match = WINDOW.exec(text.trim());
  const fail = (why: string) => new Error(`"${text}" ${why}; ${WINDOW_FORMAT}`);
  if (!match) throw fail("is not a time window");
  const [, h1 = "", m1 = "", h2 = "", m2 = "", dayText] = match;
  const start = minutes(h1, m1, false);
  const end = minutes(h2, m2, true);
  if (start === undefined || end === undefined) throw fail("has a time that does not exist");
  if (start === end) throw fail("is empty (start equals end; the whole day is 00:00-24:00)");
  const days = dayText === undefined ? ALL_DAYS : parseDays(dayText);
  if (days === undefined) throw fail(`has days that are not ${DAY_NAMES.join(", ")} or ranges of them`);
  return { text, start, end, days };
}

/**
 * Whether a minute of the week (see {@link localMinuteOfWeek}) falls in a window. An overnight window
 * belongs to the day it opens on: `22:00-06:00 fri` includes Saturday 02:00 but not Friday 02:00.
 */
export function inWindow(window: TimeWindow, minuteOfWeek: number): boolean {
  const day = Math.floor(minuteOfWeek / 1440);
  const minute = minuteOfWeek % 1440;
  const { start, end, days } = window;
  if (start < end) return minute >= start && minute < end && (days & (1 << day)) !== 0;
  if (minute >= start) return (days & (1 << day)) !== 0;
  return minute < end && (days & (1 << ((day + 6) % 7))) !== 0;
}

// Building a DateTimeFormat costs far more than using one, and this runs on every call.
const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hour12: false,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for a zone the runtime does not know; tenant files are checked with it at load. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

// Several hours rules of one step ask about the same instant: remember the last answer.
let lastTime = Number.NaN;
let lastZone = "";
let lastMinute = 0;

/** Minutes since Monday 00:00 in `timeZone` (0 … 10079) for the instant `date`. */
export function localMinuteOfWeek(date: Date, timeZone: string): number {
  const time = date.getTime();
  if (time === lastTime && timeZone === lastZone) return lastMinute;
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(date)) {
    if (part.type === "weekday") day = WEEKDAYS[part.value] ?? 0;
    else if (part.type === "hour")
      hour = Number(part.value) % 24; // some ICU builds write midnight as 24
    else if (part.type === "minute") minute = Number(part.value);
  }
  lastTime = time;
  lastZone = timeZone;
  lastMinute = day * 1440 + hour * 60 + minute;
  return lastMinute;
}

/** Whether `date` falls in `window` in the tenant's time zone. */
export function isWithin(window: TimeWindow, date: Date, timeZone: string): boolean {
  return inWindow(window, localMinuteOfWeek(date, timeZone));
}
