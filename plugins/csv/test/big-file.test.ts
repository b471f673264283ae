import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIG_COLUMNS, bigPhone, openCsv, tempDir, writeBigCsv } from "./fixtures.js";

const ROWS = 200_000;

/**
 * The most CPU time the process spent between two turns of a 1 ms timer, from now until `stop()`: how long
 * the event loop was held at a time. CPU rather than wall time, which a loaded machine stretches by
 * preempting the process (wall time is returned too, for the message).
 */
function eventLoopHeld() {
  let [wall, cpu] = [performance.now(), process.cpuUsage()];
  const most = { cpuMs: 0, wallMs: 0 };
  const turn = () => {
    const [now, used] = [performance.now(), process.cpuUsage(cpu)];
    most.cpuMs = Math.max(most.cpuMs, (used.user + used.system) / 1000);
    most.wallMs = Math.max(most.wallMs, now - wall);
    [wall, cpu] = [now, process.cpuUsage()];
  };
  const timer = setInterval(turn, 1);
  return {
    stop() {
      clearInterval(timer);
      turn();
      return most;
    },
  };
}

describe(`a file of ${ROWS} rows`, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it("is indexed in slices: the event loop never waits 50 ms", async () => {
    await writeBigCsv(join(dir, "big.csv"), ROWS);
    await import("../src/index.js"); // loaded, as in a running hub: what is measured is the indexing
    const held = eventLoopHeld();
    const csv = await openCsv(dir, { file: "big.csv", delimiter: ";", watch: false, columns: BIG_COLUMNS });
    const most = held.stop();
    expect(most.cpuMs, `held ${most.wallMs.toFixed(0)} ms of wall time`).toBeLessThan(50);
    expect(csv.log.all.find((e) => e.msg === "csv: loaded")).toMatchObject({ rows: ROWS, numbers: ROWS, skipped: 0 });
    expect((await csv.byPhone(bigPhone(ROWS - 1)))[0]).toMatchObject({ id: String(100_000 + ROWS - 1) });
    expect((await csv.byPhone(bigPhone(10)))[0]?.fields).toEqual({ not: "not; satır 10\nikinci satır" });
    expect((await csv.byCustomer(String(100_000 + 12_345)))[0]?.name).toBe("Kişi 12345");
  });

  it("skips a quote left open at the top without holding the event loop for the rest of the file", async () => {
    // 64 MB after the open quote, and no other quote: the rest of the file is its cell
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i};Kişi ${i};${bigPhone(i)};;`).join("\n");
    const block = Buffer.from(`${rows}\n`);
    const head = Buffer.from(`no;ad;telefon;cep;not\n1;Ali;${bigPhone(0)};;\n2;"açık tırnak;;;\n`);
    await writeFile(
      join(dir, "big.csv"),
      Buffer.concat([head, ...Array(Math.ceil(2 ** 26 / block.length)).fill(block)]),
    );
    await import("../src/index.js");
    const held = eventLoopHeld();
    const csv = await openCsv(dir, { file: "big.csv", delimiter: ";", watch: false, columns: BIG_COLUMNS });
    const most = held.stop();
    expect(most.cpuMs, `held ${most.wallMs.toFixed(0)} ms of wall time`).toBeLessThan(50);
    expect(csv.log.warnings.map((w) => [w.line, w.reason])).toEqual([
      [3, "a quote opened on this row is never closed: the rest of the file is skipped"],
    ]);
    expect(csv.log.all.find((e) => e.msg === "csv: loaded")).toMatchObject({ rows: 1, skipped: 1 });
  });

  it("answers from the old index while a changed file reloads, then from the new one, never from neither", async () => {
    await writeBigCsv(join(dir, "big.csv"), ROWS);
    const csv = await openCsv(dir, { file: "big.csv", delimiter: ";", columns: BIG_COLUMNS });
    const before = csv.adapter.data?.().version;
    const [old, fresh] = [bigPhone(ROWS / 2), bigPhone(ROWS / 2, 1_000_000)];
    const seen: { old: number; fresh: number }[] = [];
    await writeBigCsv(join(dir, "big.csv"), ROWS, 1_000_000);
    const written = performance.now();
    const held = eventLoopHeld();
    while (performance.now() - written < 10_000) {
      const [a, b] = [(await csv.byPhone(old)).length, (await csv.byPhone(fresh)).length];
      seen.push({ old: a, fresh: b });
      if (b === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const most = held.stop();
    const swapped = seen.findIndex((s) => s.fresh === 1);
    expect(swapped, "the new file was never swapped in").toBeGreaterThan(0);
    // until the swap, every answer came from the whole old index; from it on, from the whole new one
    expect(seen.slice(0, swapped).every((s) => s.old === 1 && s.fresh === 0)).toBe(true);
    expect(seen[swapped]).toMatchObject({ old: 0, fresh: 1 });
    // and lookups were answered all along the reload (the debounce, then the load), every few ms
    expect(most.cpuMs, `held ${most.wallMs.toFixed(0)} ms of wall time`).toBeLessThan(50);
    expect(csv.adapter.data?.().version).not.toBe(before);
    await csv.adapter.close?.();
  });
});
