import { describe, expect, it } from "vitest";
import { isWithin, localMinuteOfWeek, parseWindow } from "./hours.js";

const IST = "Europe/Istanbul"; // UTC+3 all year
// 2024-01-01 is a Monday; Istanbul wall time = UTC + 3 h.
const at = (utc: string) => new Date(`${utc}Z`);

describe("parseWindow", () => {
  it("reads hours and weekday ranges", () => {
    expect(parseWindow("09:00-18:00 mon-fri")).toMatchObject({ start: 540, end: 1080, days: 0b0011111 });
    expect(parseWindow("10:00-14:00 sat,sun").days).toBe(0b1100000);
    expect(parseWindow("08:30-12:00 mon,wed-fri").days).toBe(0b0011101);
    expect(parseWindow("22:00-06:00").days).toBe(0b1111111);
    expect(parseWindow("00:00-24:00 Fri-Mon").days).toBe(0b1110001);
  });

  it.each([
    ["9-18", "is not a time window"],
    ["25:00-26:00", "has a time that does not exist"],
    ["09:60-18:00", "has a time that does not exist"],
    ["24:00-06:00", "has a time that does not exist"],
    ["09:00-09:00", "is empty"],
    ["09:00-18:00 mon-fry", "has days that are not mon, tue"],
    ["09:00-18:00 mon-wed-fri", "has days that are not"],
  ])("refuses %s with the reason and the expected format", (text, why) => {
    expect(() => parseWindow(text)).toThrow(why);
    expect(() => parseWindow(text)).toThrow('expected "HH:MM-HH:MM [days]"');
  });
});

describe("isWithin, in the tenant's time zone", () => {
  const office = parseWindow("09:00-18:00 mon-fri");

  it("opens at the start minute and closes at the end minute", () => {
    expect(isWithin(office, at("2024-01-01T05:59:00"), IST)).toBe(false); // Mon 08:59
    expect(isWithin(office, at("2024-01-01T06:00:00"), IST)).toBe(true); // Mon 09:00
    expect(isWithin(office, at("2024-01-01T14:59:00"), IST)).toBe(true); // Mon 17:59
    expect(isWithin(office, at("2024-01-01T15:00:00"), IST)).toBe(false); // Mon 18:00
  });

  it("uses the tenant's wall clock, not UTC", () => {
    // 07:00 UTC is 10:00 in Istanbul but 02:00 in New York
    expect(isWithin(office, at("2024-01-03T07:00:00"), IST)).toBe(true);
    expect(isWithin(office, at("2024-01-03T07:00:00"), "America/New_York")).toBe(false);
  });

  it("honours weekday boundaries in the tenant's zone", () => {
    // Friday 22:30 UTC is already Saturday 01:30 in Istanbul
    expect(isWithin(parseWindow("00:00-24:00 fri"), at("2024-01-05T22:30:00"), IST)).toBe(false);
    expect(isWithin(parseWindow("00:00-24:00 sat"), at("2024-01-05T22:30:00"), IST)).toBe(true);
    expect(isWithin(office, at("2024-01-06T08:00:00"), IST)).toBe(false); // Saturday 11:00
    expect(isWithin(office, at("2024-01-07T08:00:00"), IST)).toBe(false); // Sunday 11:00
  });

  it("treats midnight as the start of the next day", () => {
    // 21:00 UTC Monday = Tuesday 00:00 in Istanbul (some ICU builds format it as hour 24)
    expect(localMinuteOfWeek(at("2024-01-01T21:00:00"), IST)).toBe(1440);
    expect(isWithin(parseWindow("00:00-01:00 tue"), at("2024-01-01T21:00:00"), IST)).toBe(true);
    expect(isWithin(parseWindow("23:00-24:00 mon"), at("2024-01-01T20:59:00"), IST)).toBe(true);
  });

  it("wraps an overnight window past midnight", () => {
    const night = parseWindow("22:00-06:00");
    expect(isWithin(night, at("2024-01-02T18:59:00"), IST)).toBe(false); // 21:59
    expect(isWithin(night, at("2024-01-02T19:00:00"), IST)).toBe(true); // 22:00
    expect(isWithin(night, at("2024-01-02T23:30:00"), IST)).toBe(true); // 02:30 next day
    expect(isWithin(night, at("2024-01-03T02:59:00"), IST)).toBe(true); // 05:59
    expect(isWithin(night, at("2024-01-03T03:00:00"), IST)).toBe(false); // 06:00
  });

  it("counts an overnight window on the day it opens", () => {
    const fridayNight = parseWindow("22:00-06:00 fri");
    expect(isWithin(fridayNight, at("2024-01-05T20:00:00"), IST)).toBe(true); // Fri 23:00
    expect(isWithin(fridayNight, at("2024-01-05T23:00:00"), IST)).toBe(true); // Sat 02:00
    expect(isWithin(fridayNight, at("2024-01-04T23:00:00"), IST)).toBe(false); // Fri 02:00 (Thursday's night)
  });

  it("matches listed days and wrapping day ranges", () => {
    const days = parseWindow("00:00-24:00 mon,wed-fri");
    expect(isWithin(days, at("2024-01-02T09:00:00"), IST)).toBe(false); // Tuesday
    expect(isWithin(days, at("2024-01-04T09:00:00"), IST)).toBe(true); // Thursday
    const weekend = parseWindow("00:00-24:00 fri-mon");
    expect(isWithin(weekend, at("2024-01-07T09:00:00"), IST)).toBe(true); // Sunday
    expect(isWithin(weekend, at("2024-01-03T09:00:00"), IST)).toBe(false); // Wednesday
  });
});
