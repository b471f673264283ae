import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import {
  type AdapterData,
  type Contact,
  type CrmAdapter,
  CrmError,
  isCrmError,
  type Logger,
  type LookupContext,
  type LookupQuery,
} from "@santral-hub/sdk";
import { refusal, skippedSentence } from "./guard.js";
import { type Loaded, loadTable } from "./load.js";
import { PLUGIN_NAME } from "./name.js";
import type { CsvConfig } from "./schema.js";
import { watchFile } from "./watch.js";

/** Long enough for an export that writes in several chunks to finish before we read it. */
export const RELOAD_DELAY_MS = 250;

/**
 * Loads the file once, answers from memory, and swaps in a new index when the file changes, unless the new
 * file looks broken or cut short (see `refusal`): then the last good index stays.
 */
export async function createCsvAdapter(file: string, given: string, config: CsvConfig, log: Logger) {
  await expectFile(file, given);
  const adapter = new CsvAdapter(file, config, log, await load(file, config, log, "csv: loaded"));
  if (config.watch) adapter.watch();
  return adapter;
}

class CsvAdapter implements CrmAdapter {
  private stopWatching: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private closed = false;
  /** Why the last reload was not swapped in, while the file stays that way. */
  private refused: string | undefined;
  private state: AdapterData;

  constructor(
    private readonly file: string,
    private readonly config: CsvConfig,
    private readonly log: Logger,
    private loaded: Loaded,
  ) {
    this.state = this.describe();
  }

  async lookup(query: LookupQuery, ctx: LookupContext): Promise<Contact[]> {
    ctx.signal.throwIfAborted();
    return this.loaded.table.find(query, this.config.limit);
  }

  /** The file's hash keys the hub's cache: a replaced file's "not found" answers are not served again. */
  data(): AdapterData {
    return this.state;
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
      .then((next) => {
        if (!this.closed) this.swap(next);
      })
      .catch((error: unknown) => {
        const reason = isCrmError(error) ? error.message : String((error as { code?: unknown }).code ?? error);
        this.refused = `a reload of ${this.file} failed (${reason}): calls are answered from the last good copy`;
        this.state = this.describe();
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

  /** The new index, unless it has more malformed rows or far fewer rows than the one in use. */
  private swap(next: Loaded & { ms: number }): void {
    const inUse = this.loaded;
    const why = refusal(inUse, next, this.config.reload.maxLoss);
    if (why) {
      this.refused = `a reload of ${this.file} was refused, ${why}: calls are answered from the last good copy (${inUse.table.size} rows)`;
      this.log.warn(
        {
          plugin: PLUGIN_NAME,
          file: this.file,
          rows: next.table.size,
          inUse: inUse.table.size,
          skipped: next.skipped.length,
          lines: next.skipped.slice(0, 10).map((s) => s.line),
          reason: why,
        },
        "csv: reload refused, keeping the last index",
      );
    } else {
      this.loaded = next;
      this.refused = undefined;
      logLoaded(this.log, this.file, next, "csv: loaded");
    }
    this.state = this.describe();
  }

  private describe(): AdapterData {
    const { skipped, version } = this.loaded;
    const warnings = skipped.length > 0 ? [skippedSentence(this.file, skipped)] : [];
    if (this.refused) warnings.push(this.refused);
    return { version, warnings };
  }
}

/** Reads the file into a fresh index; with `logAs`, logs it as loaded (a reload logs once it is accepted). */
async function load(file: string, config: CsvConfig, log: Logger, logAs?: string): Promise<Loaded & { ms: number }> {
  const started = performance.now();
  const loaded = { ...(await loadTable(file, config, log)), ms: 0 };
  loaded.ms = Math.round(performance.now() - started);
  if (logAs) logLoaded(log, file, loaded, logAs);
  return loaded;
}

function logLoaded(log: Logger, file: string, loaded: Loaded & { ms: number }, msg: string): void {
  const { table, skipped, ms } = loaded;
  log.info({ plugin: PLUGIN_NAME, file, rows: table.size, numbers: table.numbers, skipped: skipped.length, ms }, msg);
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
