import { mkdtemp, rm, writeFile } from "node:fs/promises";
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
