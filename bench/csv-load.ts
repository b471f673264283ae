// `BENCH_ONLY=csv-load pnpm bench`: a 1,000,000-row CSV (about 100 MB, 1.33M numbers), read to the end by
// csv-parse alone (an object per row) and indexed by the CSV plugin, each in a process of its own so that
// one's memory does not count against the other's. Run as `csv-load.ts <role> <file>`, it is that process.
import { fork } from "node:child_process";
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { CrmAdapter, LookupQuery } from "@santral-hub/sdk";

const CSV_ROWS = 1_000_000;
const HEADER = "musteri_no;ad;soyad;telefon;cep;firma;il;segment;vip;temsilci;dahili;guncelleme";
const COLUMNS = {
  id: "musteri_no",
  customerNumber: "musteri_no",
  phone: ["telefon", "cep"],
  firstName: "ad",
  lastName: "soyad",
  company: "firma",
  vip: "vip",
  ownerName: "temsilci",
  ownerExtension: "dahili",
  updatedAt: "guncelleme",
  fields: { il: "il", segment: "segment" },
};
const FIRST = ["Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Şükrü", "Gülşen", "İlker", "Çağla", "Özge"];
const LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan", "Güneş"];
const CITIES = ["İstanbul", "Ankara", "İzmir", "Bursa", "Muğla", "Eskişehir", "Şanlıurfa", "Çanakkale"];
const MOBILE = [501, 505, 506, 507, 530, 532, 533, 535, 538, 541, 542, 544, 545, 549, 551, 553, 555];

/** Row i's phone number (10 national digits), distinct for every i; `cep` is another row's range. */
const mobile = (i: number) => `${MOBILE[i % MOBILE.length]}${String((i * 7_919) % 10_000_000).padStart(7, "0")}`;
/** The shapes exports hold numbers in. */
const SHAPES = [
  (n: string) => `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
  (n: string) => `0${n}`,
  (n: string) => `+90 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
  (n: string) => `(0${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
  (n: string) => n,
];
const customerNumber = (i: number) => String(10_000_001 + i);

/** Row i of the file, deterministic: a third of the rows have a second number. */
function row(i: number): string {
  const pick = <T>(xs: readonly T[], salt: number) => xs[(i * 31 + salt * 17 + (i >>> 7)) % xs.length] as T;
  const phone = pick(SHAPES, 1)(mobile(i));
  const cep = i % 3 === 0 ? pick(SHAPES, 2)(mobile(i + 5_000_000)) : "";
  const first = pick(FIRST, 3);
  const last = pick(LAST, 4);
  const vip = i % 50 === 0 ? "evet" : "";
  const date = `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
  return `${customerNumber(i)};${first};${last};${phone};${cep};${last} Ticaret;${pick(CITIES, 5)};bireysel;${vip};${pick(FIRST, 6)} ${pick(LAST, 7)};${100 + (i % 900)};${date}`;
}

function writeCsv(file: string, rows = CSV_ROWS): void {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, `${HEADER}\n`);
    for (let i = 0; i < rows; i += 10_000) {
      const lines = [];
      for (let j = i; j < Math.min(rows, i + 10_000); j++) lines.push(row(j));
      writeSync(fd, `${lines.join("\n")}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

interface Measure {
  ms: number;
  /** Peak RSS over the process's own before the work began. */
  rssMb: number;
  /** The longest the event loop was held at a time during the work. */
  maxBlockMs: number;
  loaded?: Record<string, unknown>;
  lookups?: { found: number; asked: number; us: number };
}

/** Times `work` in this process, with its peak RSS growth and the longest event-loop stall. */
async function measured(work: () => Promise<Omit<Measure, "ms" | "rssMb" | "maxBlockMs">>): Promise<Measure> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const extra = await work();
  const ms = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  return { ms, rssMb: (peak - before) / 2 ** 20, maxBlockMs: delay.max / 1e6, ...extra };
}

/** csv-parse alone, as the plugin used it before: every row an object keyed by the header. */
async function csvParseAlone(file: string) {
  const { parse } = await import("csv-parse");
  return measured(async () => {
    let rows = 0;
    for await (const _ of createReadStream(file).pipe(parse({ columns: true, delimiter: ";" }))) rows++;
    if (rows !== CSV_ROWS) throw new Error(`csv-parse read ${rows} rows`);
    return {};
  });
}

/** The plugin's adapter, created as the hub creates it, then a few lookups. */
async function pluginIndex(file: string) {
  const { plugin } = await import("@santral-hub/plugin-csv");
  const { parsePhone } = await import("@santral-hub/sdk");
  let loaded: Record<string, unknown> | undefined;
  const keep = (obj: object, msg?: string) => {
    if (msg === "csv: loaded") loaded = { ...obj };
  };
  const log = { debug: keep, info: keep, warn: keep, error: keep };
  const config = plugin.configSchema.parse({ file, delimiter: ";", watch: false, columns: COLUMNS });
  let adapter: Awaited<ReturnType<typeof plugin.create>> | undefined;
  const result = await measured(async () => {
    adapter = await plugin.create(config, { tenant: "bench", configDir: path.dirname(file), log });
    return {};
  });
  if (!adapter) throw new Error("no adapter");
  const ctx = { signal: new AbortController().signal, log };
  const lookup = (query: LookupQuery) => (adapter as CrmAdapter).lookup(query, ctx);
  // 1,000 rows across the file, by phone and by customer number: once to warm up, once timed
  const asked = Array.from({ length: 1000 }, (_, k) => k * 997);
  const phones = asked.map((i) => parsePhone(`0${mobile(i)}`) ?? undefined);
  const ask = async () => {
    let found = 0;
    for (const [k, i] of asked.entries()) {
      const byPhone = await lookup({ phone: phones[k] });
      const byCustomer = await lookup({ customerNumber: customerNumber(i) });
      if (byPhone[0]?.id === customerNumber(i) && byCustomer[0]?.id === customerNumber(i)) found++;
    }
    return found;
  };
  await ask();
  const started = performance.now();
  let found = await ask();
  const us = ((performance.now() - started) * 1000) / (2 * asked.length);
  if ((await lookup({ phone: parsePhone("05999999999") ?? undefined })).length > 0) found = -1;
  await adapter.close?.();
  return { ...result, loaded, lookups: { found, asked: asked.length, us } };
}

/**
 * Runs this file as `role` in a process of its own and returns what it measured. The plugin is its build, as
 * production runs it (`pnpm bench` builds first); tsx only reads this file.
 */
function inChild(role: "csv-parse" | "index", file: string): Promise<Measure> {
  const child = fork(import.meta.filename, [role, file], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m as Measure));
    child.once("exit", (code) => reject(new Error(`csv-load ${role} exited with ${code}`)));
  });
}

/** The case for run.ts: the file written to `dir`, both measures, and the check line. */
export async function csvLoad(dir: string): Promise<{ lines: string[]; check: string }> {
  const file = path.join(dir, "big.csv");
  const writing = performance.now();
  writeCsv(file);
  const wroteMs = performance.now() - writing;
  const baseline = await inChild("csv-parse", file);
  const index = await inChild("index", file);
  const ratio = index.ms / baseline.ms;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ok = ratio < 1 && index.rssMb < 400 && index.lookups?.found === index.lookups?.asked;
  return {
    lines: [
      `csv-load: ${CSV_ROWS} rows written in ${s(wroteMs)}; the plugin logged ${JSON.stringify(index.loaded ?? {})}`,
      `csv-load: csv-parse alone ${s(baseline.ms)}, RSS +${baseline.rssMb.toFixed(0)} MB; plugin index ${s(index.ms)}, RSS +${index.rssMb.toFixed(0)} MB, longest event-loop delay ${index.maxBlockMs.toFixed(1)} ms`,
      `csv-load: ${index.lookups?.found} of ${index.lookups?.asked} rows found by phone and by customer number, ${index.lookups?.us.toFixed(1)} µs a lookup (the row decoded, its contact built)`,
    ],
    check: `${ok ? "✓" : "✗"} 1M-row CSV indexed in ${ratio.toFixed(2)} × the time csv-parse alone reads it (< 1.00): ${s(index.ms)} against ${s(baseline.ms)}; RSS +${index.rssMb.toFixed(0)} MB (< 400 MB; csv-parse alone +${baseline.rssMb.toFixed(0)} MB)`,
  };
}

const [role, file] = process.argv.slice(2);
if (process.send && file && (role === "csv-parse" || role === "index")) {
  const result = role === "csv-parse" ? await csvParseAlone(file) : await pluginIndex(file);
  process.send(result, () => process.exit(0));
}
