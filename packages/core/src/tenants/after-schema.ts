// The tenant file's keys for a call's life after its answer: the card's link and the webhooks it goes to.
import { z } from "zod";
import { duration, strict, text } from "./fields.js";
import { template } from "./step-schema.js";

/** The call events a webhook can be sent. */
export const NOTIFY_EVENTS = ["ringing", "answered", "ended", "keys", "queued"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

const webUrl = text.pipe(z.string().trim()).superRefine((url, ctx) => {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    ctx.addIssue({ code: "custom", message: `"${url}" is not an http(s) URL`, input: url });
  }
});

export const cardSchema = strict({
  link: template(text.optional()).describe(
    'opens the contact\'s record, for a CRM whose plugin has no record URL: "https://crm.example/musteri/{{ contact.id }}"',
  ),
});

export const notifySchema = strict({
  url: webUrl.describe("where the tenant's software takes each card (POST, JSON, signed)"),
  secret: text
    .pipe(z.string().min(16, "too short: use a random secret of 16 characters or more"))
    .describe(`the HMAC key of X-Santral-Signature: \${env:NAME}, never written in the file`),
  events: z
    .array(z.enum(NOTIFY_EVENTS))
    .min(1, "list at least one event")
    .default(["ringing", "answered", "ended"])
    .describe(`which call events are sent: ${NOTIFY_EVENTS.join(", ")}`),
  timeout: duration
    .pipe(z.number().max(30_000, "at most 30s: a receiver should answer at once and work afterwards"))
    .default(5000)
    .describe("how long one delivery may take before it is retried"),
});

export type NotifyConfig = z.output<typeof notifySchema>;

/**
 * A webhook secret written into a tenant file ends up in backups and repositories: it must come from the
 * environment. Checked on the document before `${env:…}` is replaced; returns what to change.
 */
export function literalSecrets(doc: unknown): { path: string; message: string }[] {
  const notify = (doc as { notify?: unknown } | null)?.notify;
  if (!Array.isArray(notify)) return [];
  return notify.flatMap((entry, i) => {
    const secret = (entry as { secret?: unknown } | null)?.secret;
    if (typeof secret !== "string" || secret.includes("${env:")) return [];
    return [
      {
        path: `notify[${i}].secret`,
        message: `write the secret as \${env:NAME} and set NAME in the hub's environment, not in the file`,
      },
    ];
  });
}
