import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@santral-hub/sdk";
import type { SeedRecord } from "@santral-hub/sdk/testing";
import iconv from "iconv-lite";

/** A fresh directory under the OS temp dir, and how to remove it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "santral-csv-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `lines` joined by `\n`, in `encoding`, optionally behind a UTF-8 byte order mark. */
export async function writeLines(file: string, lines: string[], encoding = "utf-8", bom = false): Promise<void> {
  const text = `${bom ? "\uFEFF" : ""}${lines.join("\n")}\n`;
  await writeFile(file, encoding === "utf-8" ? text : iconv.encode(text, encoding));
}

const quote = (v: string) => (/[";\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The conformance records as a Turkish export: `;`-separated, two phone columns, Turkish headers. */
export function seedCsv(records: readonly SeedRecord[]): string[] {
  const header =
    "no;tur;telefon;cep;ad;soyad;ad_soyad;firma;vip;temsilci;dahili;etiketler;musteri_no;guncelleme;kayit;segment";
  const rows = records.map((r) =>
    [
      r.id,
      r.kind ?? "",
      r.phones[0] ?? "",
      r.phones[1] ?? "",
      r.firstName ?? "",
      r.lastName ?? "",
      r.name ?? "",
      r.company ?? "",
      r.vip ? "evet" : "",
      r.ownerName ?? "",
      r.ownerExtension ?? "",
      (r.tags ?? []).join("|"),
      r.customerNumber ?? "",
      r.updatedAt ?? "",
      r.createdAt ?? "",
      r.fields?.segment ?? "",
    ]
      .map(quote)
      .join(";"),
  );
  return [header, ...rows];
}

/** The mapping that reads {@link seedCsv}. */
export const SEED_COLUMNS = {
  id: "no",
  kind: "tur",
  phone: ["telefon", "cep"],
  firstName: "ad",
  lastName: "soyad",
  name: "ad_soyad",
  company: "firma",
  vip: "vip",
  ownerName: "temsilci",
  ownerExtension: "dahili",
  tags: "etiketler",
  customerNumber: "musteri_no",
  updatedAt: "guncelleme",
  createdAt: "kayit",
  fields: { segment: "segment" },
};

/** A logger that keeps what it was given, for assertions. */
export function memoryLog(): Logger & { warnings: Record<string, unknown>[]; all: Record<string, unknown>[] } {
  const all: Record<string, unknown>[] = [];
  const warnings: Record<string, unknown>[] = [];
  const keep = (level: string) => (obj: object, msg?: string) => {
    const entry = { level, ...obj, msg };
    all.push(entry);
    if (level === "warn") warnings.push(entry);
  };
  return { all, warnings, debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") };
}

/** Builds the adapter the way core does: config through the schema, relative paths against `configDir`. */
export async function openCsv(configDir: string, config: Record<string, unknown>, log = memoryLog()) {
  const { plugin } = await import("../src/index.js");
  const { parsePhone } = await import("@santral-hub/sdk");
  const adapter = await plugin.create(plugin.configSchema.parse(config), { tenant: "test", configDir, log });
  const ctx = { signal: new AbortController().signal, log };
  return {
    adapter,
    log,
    byPhone: (raw: string) => adapter.lookup({ phone: parsePhone(raw) ?? undefined }, ctx),
    byCustomer: (customerNumber: string) => adapter.lookup({ customerNumber }, ctx),
  };
}

/** The mapping that reads {@link writeBigCsv}'s files. */
export const BIG_COLUMNS = {
  id: "no",
  customerNumber: "no",
  phone: ["telefon", "cep"],
  name: "ad",
  fields: { not: "not" },
};

/** Row i's phone number in a {@link writeBigCsv} file of `base`, as a caller's number. */
export const bigPhone = (i: number, base = 0) => `0${5_320_000_000 + base + i}`;

/**
 * Writes a big `;`-separated export: `rows` rows of a customer number, a name, a phone in one of the shapes
 * exports use, and every tenth row a quoted note with the delimiter and a line break in it. `base` shifts
 * every number, so two files of different bases share none. Written 10,000 rows at a time: the strings
 * die young, so the test's own garbage does not pause the event loop it measures.
 */
export async function writeBigCsv(file: string, rows: number, base = 0): Promise<void> {
  const shapes = [
    (n: string) => n,
    (n: string) => `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7, 9)} ${n.slice(9)}`,
    (n: string) => `+90 (${n.slice(1, 4)}) ${n.slice(4, 7)}-${n.slice(7)}`,
  ];
  const handle = await open(file, "w");
  try {
    await handle.write("no;ad;telefon;cep;not\n");
    for (let from = 0; from < rows; from += 10_000) {
      let chunk = "";
      for (let i = from; i < Math.min(rows, from + 10_000); i++) {
        const note = i % 10 === 0 ? `"not; satır ${i}\nikinci satır"` : "";
        chunk += `${100_000 + base + i};Kişi ${i};${shapes[i % 3]?.(bigPhone(i, base))};;${note}\n`;
      }
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
}
