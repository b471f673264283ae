import { text } from "./cells.js";

const SQL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([zZ]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TURKISH = /^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Whether `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A time as ISO 8601. A Date is an instant. Text `yyyy-mm-dd hh:mm[:ss[.fff]][zone]` (how drivers return
 * timestamps read as text) and Turkish `dd.mm.yyyy[ hh:mm[:ss]]` are rewritten; a time of day without a
 * zone (DATETIME, `timestamp without time zone`) is read in `zone`, never in the hub's own time zone. A bare
 * date stays a date. Anything else → undefined.
 */
export function isoTime(value: unknown, zone: string): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  const cell = text(value);
  let date: string | undefined;
  let time: string | undefined;
  let offset: string | undefined;
  const tr = TURKISH.exec(cell);
  const sql = tr ? null : SQL_TIME.exec(cell);
  if (tr) {
    const [, d, m, y, hh, mm, ss] = tr;
    date = `${y}-${m?.padStart(2, "0")}-${d?.padStart(2, "0")}`;
    if (hh) time = `${hh.padStart(2, "0")}:${mm}:${ss ?? "00"}`;
  } else if (sql) {
    [, date, time, offset] = sql;
    if (offset && offset.length === 3) offset = `${offset}:00`;
    else offset = offset?.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2").replace("z", "Z");
  }
  if (date === undefined || Number.isNaN(Date.parse(date))) return undefined;
  if (time === undefined) return date;
  const iso = `${date}T${time}${offset ?? offsetIn(zone, `${date}T${time}`)}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** The UTC offset (`Z`, `+03:00`) of `zone` at the wall-clock time `local`, daylight saving included. */
function offsetIn(zone: string, local: string): string {
  if (zone === "UTC") return "Z";
  const wall = Date.parse(`${local}Z`);
  // the offset at the wall time read as UTC is right unless a DST change lies between; then once more
  let minutes = offsetMinutes(zone, wall);
  minutes = offsetMinutes(zone, wall - minutes * 60_000);
  if (minutes === 0) return "Z";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  return `${minutes < 0 ? "-" : "+"}${hh}:${String(abs % 60).padStart(2, "0")}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function offsetMinutes(zone: string, at: number): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" });
    formats.set(zone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
