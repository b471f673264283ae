import { describe, expect, it } from "vitest";
import { customerKey, customerKeyOf } from "../src/keys.js";
import { NumberPairs } from "../src/number-index.js";
import { Pace } from "../src/pace.js";

describe("the number index", () => {
  it.for([10, 50_000])("finds every row of each number, in file order, as a Map would (%i pairs)", async (n) => {
    let seed = n;
    const next = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    // numbers below 2^32 and up to 2^53, a few shared by many rows, some held twice by one row
    const pool = Array.from({ length: Math.ceil(n / 3) }, (_, i) =>
      i % 3 === 0 ? Math.floor(next() * 2 ** 32) : Math.floor(next() * 2 ** 53),
    );
    const pairs = new NumberPairs();
    const model = new Map<number, number[]>();
    for (let row = 0, added = 0; added < n; row++) {
      for (let k = 0; k < 1 + (row % 3); k++, added++) {
        const key = pool[Math.floor(next() ** 2 * pool.length)] as number;
        pairs.add(key, row);
        const rows = model.get(key) ?? [];
        if (rows.at(-1) !== row) rows.push(row);
        model.set(key, rows);
      }
    }
    const index = await pairs.index(new Pace());
    expect(index.size).toBe(model.size);
    for (const [key, rows] of model) expect([...index.rowsOf(key)]).toEqual(rows);
    expect(index.rowsOf(2 ** 53 - 1)).toHaveLength(0);
  });

  it("keys customer numbers by their digits, leading zeros counted, long ones too", () => {
    const key = (text: string) => customerKey(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(key("MN-0042")).toBe(customerKeyOf("0042"));
    expect(key("0042")).not.toBe(key("42"));
    expect(key("yok")).toBeUndefined();
    const long = "12345678901234567890";
    expect(key(`TR ${long}`)).toBe(customerKeyOf(long));
    expect(key(long)).not.toBe(key(`${long}1`));
    expect(key(long)).not.toBe(key("123456789012345"));
  });
});
