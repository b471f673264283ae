import type { z } from "zod";
import type { CrmErrorKind } from "../errors.js";
import type { Plugin, PluginContext } from "../plugin.js";

/**
 * One record of the kit's dataset, backend-neutral: a plugin's `seed` writes it in its backend's own shape.
 * `phones` are stored verbatim, one entry per phone field, messy forms included.
 */
export interface SeedRecord {
  id: string;
  /** The CRM object, where the backend has several (`Contact`, `Lead`, ...). */
  kind?: string;
  phones: string[];
  firstName?: string;
  lastName?: string;
  name?: string;
  company?: string;
  vip?: boolean;
  ownerName?: string;
  ownerExtension?: string;
  tags?: string[];
  customerNumber?: string;
  /** ISO 8601. */
  updatedAt?: string;
  createdAt?: string;
  fields?: Record<string, string>;
}

/** What `seed` returns: the plugin config that reads the seeded records, and how to remove them. */
export interface Seeded<C = unknown> {
  config: C;
  cleanup?: () => Promise<void>;
}

export interface TestPluginOptions<S extends z.ZodType> {
  plugin: Plugin<S>;
  /** Write the records into the backend (once per suite) and return the config that reads them. */
  seed: (records: readonly SeedRecord[]) => Promise<Seeded<z.input<S>>>;
  /** A config whose backend is down or missing: `create` or `lookup` must reject with a `CrmError`. */
  unavailable?: () => Promise<z.input<S>> | z.input<S>;
  /** The kind that rejection carries; default `"unavailable"` (a missing file is `"bad_config"`). */
  unavailableKind?: CrmErrorKind;
  /** Overrides for the context each adapter is created with (`tenant`, `configDir`). */
  context?: Partial<Omit<PluginContext, "log">>;
  /** For a plugin that declares `capabilities.callLog`: how the kit writes calls and reads them back. */
  callLog?: CallLogOptions<z.input<S>>;
}

export interface CallLogOptions<C> {
  /** The config that writes call logs: the seeded config with the plugin's write settings added. */
  config: (seeded: C) => C | Promise<C>;
  /** The records the backend holds for a call (by the `CallLog.id` the kit sent), as the plugin wrote them. */
  written: (callId: string) => Promise<WrittenCall[]>;
  /** A config whose write side refuses or is down: `logCall` must reject with a `CrmError`. */
  refusing?: (seeded: C) => C | Promise<C>;
}

/** A call record read back from the backend, in the kit's terms. */
export interface WrittenCall {
  answered: boolean;
  durationSec: number;
  /** The record it is on (the contact's id), or null for none. */
  contactId: string | null;
  recordingUrl?: string;
}
