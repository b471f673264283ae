import { phonesIn } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { isoTime, plainDate } from "../src/row.js";
import { DEFER, turkishNumber } from "../src/tr-phone.js";

// The index reads phone and date cells straight off the bytes where their shape is plain, and leaves the
// rest to the general code. Where the fast path answers, it must answer exactly as the general code does.

/** A small deterministic generator, so a failure names a case that comes back. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The ways a national number `n` (10 digits) is written, with and without its prefixes. */
function shapes(n: string): string[] {
  const [a, b, c, d] = [n.slice(0, 3), n.slice(3, 6), n.slice(6, 8), n.slice(8)];
  const grouped = [`${a} ${b} ${c} ${d}`, `${a}-${b}-${c}-${d}`, `${a}.${b}.${c}.${d}`, `(${a}) ${b} ${c}${d}`];
  const out = [n, `0${n}`, `90${n}`, `+90${n}`, `0090${n}`, `9${n}`, `00${n}`, `+${n}`, `+0${n}`, `+9${n}`];
  for (const g of grouped) out.push(g, `0${g}`, `(0${a}) ${b} ${c} ${d}`, `+90 ${g}`, `90 ${g}`, `0090 ${g}`);
  out.push(`+90 (${a}) ${b}-${n.slice(6)}`, `0 ${n}`, ` 0${n} `, `0${n}.`, `-0${n}`, `(0${a})${b}${c}${d}`);
  out.push(`0${n.slice(0, 9)}`, `0${n}1`, `0${n} 0${n}`, `0${n}/0${n}`, `tel: 0${n}`, `0${n} (iş)`, `0${n}\t`);
  out.push(`+ 90 ${n}`, `0${n}+`, `0${a}\u00a0${b}${c}${d}`, `+90+${n}`, `"0${n}"`, `0${a} ${b} ${c} ${d} x12`);
  return out;
}

describe("the fast path for Turkish phone cells", () => {
  // every 3-digit prefix (in use or not), the partly used mobile ranges, and random national numbers
  const next = random(17);
  const nationals: string[] = [];
  for (let p = 100; p < 1000; p++) {
    nationals.push(`${p}0000000`, `${p}9999999`, `${p}${String(Math.floor(next() * 1e7)).padStart(7, "0")}`);
  }
  for (const p of ["561011", "561610", "561619", "561620", "561010", "5820", "5821", "5822", "5825", "5826"]) {
    nationals.push(`${p}${"4".repeat(10 - p.length)}`);
  }
  for (let i = 0; i < 2000; i++) nationals.push(String(Math.floor(next() * 1e10)).padStart(10, "0"));
  const cases = [...new Set(nationals.flatMap(shapes))];
  const read = (cell: string) => {
    const bytes = Buffer.from(cell);
    return turkishNumber(bytes, 0, bytes.length);
  };

  it(`gives what phonesIn gives, or defers to it, for ${cases.length} cells`, () => {
    const wrong = cases.flatMap((cell) => {
      const fast = read(cell);
      if (fast === DEFER) return [];
      const want = phonesIn(cell, "TR");
      const got = fast === 0 ? [] : [`+${fast}`];
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ cell, got, want }];
    });
    expect(wrong).toEqual([]);
  });

  it("reads the shapes exports hold, in use and without libphonenumber", () => {
    for (const n of ["5441000000", "5321112233", "2125551234", "3122223344", "8503030303", "5610112345"]) {
      const plain = [n, `0${n}`, `+90${n}`, `90${n}`, `0090${n}`, ...shapes(n).slice(10, 16)];
      for (const cell of plain) expect(read(cell), cell).toBe(Number(`90${n}`));
    }
    expect(read("   ")).toBe(0);
    expect(read("")).toBe(0);
  });

  it("defers what is not plainly one number in use: phonesIn reads those", () => {
    const deferred = ["5991234567", "4441234", "08001234567", "5616201234", "0544 100 00 00 / 0532 111 22 33"];
    for (const cell of [...deferred, "cep: 05441000000", "+44 20 7183 8750", "0544 100 00 00\u00a0"]) {
      expect(read(cell), cell).toBe(DEFER);
    }
  });
});

describe("the fast path for date cells", () => {
  it("says a date is plain only where isoTime reads it", () => {
    const cells: string[] = [];
    for (const y of ["2025", "1999", "0000", "20x5"]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const [mm, dd] = [String(m).padStart(2, "0"), String(d).padStart(2, "0")];
          cells.push(
            `${y}-${mm}-${dd}`,
            `${dd}.${mm}.${y}`,
            `${y}/${mm}/${dd}`,
            `${dd}-${mm}-${y}`,
            `${y}-${mm}-${dd}T10:00`,
          );
        }
      }
    }
    cells.push("", "          ", "2025-1-01 ", "1.3.2025", "05.03.2025 14:30");
    const plain = cells.filter((cell) => plainDate(Buffer.from(cell), 0, Buffer.byteLength(cell)));
    expect(plain.length).toBeGreaterThan(1000);
    expect(plain.filter((cell) => isoTime(cell) === undefined)).toEqual([]);
  });
});
