import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import {
  type Contact,
  type CrmAdapter,
  CrmError,
  isCrmError,
  type Logger,
  type LookupContext,
  type LookupQuery,
} from "@santral-hub/sdk";
import type { IndexTable } from "./index-table.js";
import { loadTable } from "./load.js";
import { PLUGIN_NAME } from "./name.js";
import type { CsvConfig } from "./schema.js";
import { watchFile } from "./watch.js";

/** Long enough for an export that writes in several chunks to finish before we read it. */
export const RELOAD_DELAY_MS = 250;

/** Loads the file once, answers from memory, and swaps in a new index when the file changes. */
export async function createCsvAdapter(file: string, given: string, config: CsvConfig, log: Logger) {
  await expectFile(file, given);
  const adapter = new CsvAdapter(file, config, log, await load(file, config, log));
  if (config.watch) adapter.watch();
  return adapter;
}

class CsvAdapter implements CrmAdapter {
  private stopWatching: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly config: CsvConfig,
    private readonly log: Logger,
    private table: IndexTable,
  ) {}

  async lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]> {
    ctx.signal.throwIfAborted();
    return this.table.find(query, this.config.limit);
  }

  async check(): Promise<void> {
    try {
      await access(this.file, constants.R_OK);
    } catch (error) {
      throw new CrmError("unavailable", PLUGIN_NAME, `cannot read ${this.file}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.reloading;
  }

  watch(): void {
    this.stopWatching = watchFile(
      this.file,
      RELOAD_DELAY_MS,
      () => this.reload(),
      (error) => this.log.warn({ plugin: PLUGIN_NAME, file: this.file, reason: error.message }, "csv: watch failed"),
    );
  }

  /** One reload at a time; a change during a reload triggers one more, so the last write always wins. */
  private reload(): void {
    if (this.closed) return;
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = load(this.file, this.config, this.log)
      .then((table) => {
        if (!this.closed) this.table = table;
      })
      .catch((error: unknown) => {
        const reason = isCrmError(error) ? error.message : String((error as { code?: unknown }).code ?? error);
        this.log.warn({ plugin: PLUGIN_NAME, file: this.file, reason }, "csv: reload failed, keeping the last index");
      })
      .finally(() => {
        this.reloading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.reload();
        }
      });
  }
}

async function load(file: string, config: CsvConfig, log: Logger): Promise<IndexTable> {
  const started = performance.now();
  const { table, skipped } = await loadTable(file, config, log);
  const ms = Math.round(performance.now() - started);
  log.info({ plugin: PLUGIN_NAME, file, rows: table.size, numbers: table.numbers, skipped, ms }, "csv: loaded");
  return table;
}

async function expectFile(file: string, given: string): Promise<void> {
  const tried = file === given ? file : `${file} ("${given}" resolved against the tenant's config directory)`;
  try {
    if (!(await stat(file)).isFile()) throw new CrmError("bad_config", PLUGIN_NAME, `${tried} is not a file`);
  } catch (error) {
    if (isCrmError(error)) throw error;
    const code = (error as { code?: string }).code;
    const what = code === "ENOENT" ? "file not found" : `cannot read the file (${code})`;
    throw new CrmError("bad_config", PLUGIN_NAME, `${what}: tried ${tried}`, { cause: error });
  }
}
