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
}
