import type { Phone } from "./phone.js";

/** What core asks a plugin: the caller's number, or a customer number the caller typed, or both. */
export interface LookupQuery {
  phone?: Phone;
  /** Digits the caller typed in the IVR (`tus_bilgisi`). */
  customerNumber?: string;
}

/** One CRM record that matched a lookup. */
export interface Contact {
  /** The record's id in its CRM. */
  id: string;
  /** The plugin that found it (its `name`). */
  source: string;
  /** The CRM object: `Contact`, `Lead`, `Account`, `company`, `row`, ... */
  kind?: string;
  /** The numbers as stored on this record, verbatim: core verifies them against the caller. */
  phones: string[];
  /** ISO 8601 times where the CRM has them, for the match policy. */
  updatedAt?: string;
  createdAt?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  vip?: boolean;
  tags?: string[];
  /** The dedicated representative. */
  owner?: { name?: string; extension?: string };
  /** The customer number as stored, where the tenant maps one. */
  customerNumber?: string;
  /** Whatever else the tenant maps, for rules and templates. */
  fields: Record<string, string>;
}
