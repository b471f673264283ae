import { open, rm } from "node:fs/promises";
import path from "node:path";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant, eventually, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";

// A tenant's big CSV rewritten under a running hub: while the plugin indexes the new file, the tenant keeps
// answering from the old one, and another tenant on the same hub keeps its latency.

const TOKEN = "csv-big-token-1";
const ROWS = 300_000;
const VIP = "05101234567";
const big = `
id: big
token: ${TOKEN}
results: { "1": known, "2": unknown caller, e: the CRM could not tell }
crm:
  adapter: csv
  config:
    file: ../data/big.csv
    delimiter: ";"
    columns: { id: no, phone: telefon, name: ad }
cache: { ttl: 0, notFoundTtl: 0, staleFor: 0 }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1" }
      - reply: { result: "2" }
    fallback: { result: e }
`;

/** Row i's number in a file of `base`: two bases share no number. */
const number = (i: number, base: number) => `0${5_320_000_000 + base + i}`;

/** `ROWS` rows, written 10,000 at a time (so the test's own garbage stays small). */
async function writeBig(file: string, base: number): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.write("no;ad;telefon\n");
    for (let from = 0; from < ROWS; from += 10_000) {
      let chunk = "";
      for (let i = from; i < from + 10_000; i++) chunk += `${base + i};Kişi ${i};${number(i, base)}\n`;
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
}

let dir: string;
let running: HubProcess;
const call = async (tenant: string, caller: string) => {
  const started = performance.now();
  const res = await sendCall(`${running.url}/t/${tenant}`, "json", { arayan_no: caller, token: TOKEN });
  const body = (await res.json()) as Record<string, string>;
  return { status: res.status, result: body.result, ms: performance.now() - started };
};

beforeAll(async () => {
  dir = await tempConfig("listen: { host: 127.0.0.1 }\n", { big, other: await demoTenant("other", TOKEN) });
  await writeBig(path.join(dir, "data", "big.csv"), 0);
  running = await runHub({ configDir: dir, port: 0, env: {}, signals: false, log: createLogger("silent") });
  await eventually(async () => ((await call("big", number(7, 0))).result === "1" ? true : undefined), "the big file");
});
afterAll(async () => {
  await running?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe(`a ${ROWS}-row CSV rewritten under a running hub`, () => {
  it("answers from the old file until the new one is indexed, while the other tenant keeps its latency", async () => {
    const [old, fresh] = [number(ROWS / 2, 0), number(ROWS / 2, 1_000_000)];
    await writeBig(path.join(dir, "data", "big.csv"), 1_000_000);
    const written = performance.now();

    // the other tenant, called on 4 connections until the big tenant answers from the new file
    let swapped = false;
    const other: { status: number; result?: string; ms: number }[] = [];
    const callOther = async () => {
      while (!swapped) other.push(await call("other", VIP));
    };
    const seen: { old?: string; fresh?: string }[] = [];
    const watchBig = async () => {
      // until the new file has answered three times in a row
      while (performance.now() - written < 20_000 && seen.slice(-3).filter((s) => s.fresh === "1").length < 3) {
        const [a, b] = [await call("big", old), await call("big", fresh)];
        seen.push({ old: a.result, fresh: b.result });
        if (b.result === "1") swapped = true;
      }
      swapped = true;
    };
    await Promise.all([watchBig(), callOther(), callOther(), callOther(), callOther()]);

    // each number answered from the whole old file, then from the whole new one: never a fallback, never
    // neither, and never back
    const answers = (key: "old" | "fresh") => seen.map((s) => s[key]).join("");
    expect(answers("old")).toMatch(/^1+2+$/);
    expect(answers("fresh")).toMatch(/^2+1{3}$/);

    expect(other.every((r) => r.status === 200 && r.result === "extensions")).toBe(true);
    const ms = other.map((r) => r.ms).sort((a, b) => a - b);
    const p99 = ms[Math.floor(ms.length * 0.99)] ?? Number.POSITIVE_INFINITY;
    expect(ms.length, "calls to the other tenant during the reload").toBeGreaterThan(50);
    expect(p99, `p99 of ${ms.length} calls, the slowest ${ms.at(-1)?.toFixed(0)} ms`).toBeLessThan(200);
  });
});
