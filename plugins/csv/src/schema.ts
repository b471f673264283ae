import iconv from "iconv-lite";
import { z } from "zod";

const header = z.string().trim().min(1).describe("a header name of the CSV file");

const columns = z
  .strictObject({
    id: header.optional().describe("the record's id; default: its line number in the file"),
    phone: z
      .union([header, z.array(header).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .describe("the phone column, or several; a cell may hold several numbers and text around them"),
    name: header.optional().describe("the full name; default: firstName and lastName joined"),
    firstName: header.optional().describe("the first name"),
    lastName: header.optional().describe("the last name"),
    company: header.optional().describe("the company name"),
    vip: header.optional().describe("VIP flag: 1, true, evet, e, yes, x or vip (any case) mean VIP"),
    ownerName: header.optional().describe("the dedicated representative's name"),
    ownerExtension: header.optional().describe("the dedicated representative's extension"),
    tags: header.optional().describe("tags, separated by , ; or |"),
    customerNumber: header.optional().describe("the customer number callers type in the IVR (digits compared)"),
    kind: header.optional().describe('the record kind, for the match policy; default "row"'),
    updatedAt: header.optional().describe("last update: ISO 8601, yyyy-mm-dd or dd.mm.yyyy"),
    createdAt: header.optional().describe("creation: ISO 8601, yyyy-mm-dd or dd.mm.yyyy"),
    fields: z
      .record(z.string().min(1), header)
      .default({})
      .describe("other columns, exposed as contact.fields.<key> for rules and templates"),
  })
  .describe("which CSV column holds what: values are header names");

export const configSchema = z
  .strictObject({
    file: z.string().min(1).describe("the CSV file; a relative path resolves against the tenant's config directory"),
    delimiter: z
      .union([z.literal("auto"), z.string().length(1)])
      .default(",")
      .describe('the field separator, one character (Turkish exports use ";"), or "auto" to read it off the header'),
    encoding: z
      .string()
      .refine((e) => iconv.encodingExists(e), { message: "unknown encoding: use utf-8, windows-1254 or iso-8859-9" })
      .default("utf-8")
      .describe("the file's character encoding; a UTF-8 byte order mark is stripped"),
    region: z
      .string()
      .regex(/^[A-Z]{2}$/, "a two-letter ISO region such as TR")
      .default("TR")
      .describe("the region numbers without a country code are read in"),
    limit: z.number().int().min(1).max(100).default(10).describe("the most records one lookup returns"),
    watch: z.boolean().default(true).describe("reload the file when it changes"),
    reload: z
      .strictObject({
        maxLoss: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe(
            "refuse a reload with more than this share of the rows in use missing (0.5: half; 1: never refuse for missing rows)",
          ),
      })
      .prefault({})
      .describe("a reload that has more malformed rows than the index in use, or too few rows, is refused"),
    columns,
  })
  .describe("@santral-hub/plugin-csv: look callers up in a CSV file, indexed in memory");

export type CsvConfig = z.output<typeof configSchema>;
export type CsvColumns = CsvConfig["columns"];

/** Every header the mapping names, with the config path that names it, for the header check. */
export function mappedHeaders(c: CsvColumns): { path: string; header: string }[] {
  const out: { path: string; header: string }[] = [];
  for (const [key, value] of Object.entries(c)) {
    if (typeof value === "string") out.push({ path: `columns.${key}`, header: value });
  }
  for (const h of c.phone) out.push({ path: "columns.phone", header: h });
  for (const [key, h] of Object.entries(c.fields)) out.push({ path: `columns.fields.${key}`, header: h });
  return out;
}
