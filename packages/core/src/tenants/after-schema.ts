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

/** The record's subject and text, by default: in Turkish, as the tenant's staff read the CRM. */
export const CALL_LOG_TITLE =
  "{% if call.answered %}{{ call.kind }} arama{% else %}Cevapsız arama{% endif %}: {{ call.caller }}";
export const CALL_LOG_BODY = [
  "{{ call.kind }} arama, {{ call.started }}",
  "Arayan: {{ call.caller }}{% if contact %} ({{ contact.name }}){% endif %}",
  "{% if call.answered %}Görüşen: dahili {{ call.extension }}, {{ call.duration }}{% else %}Cevaplanmadı{% endif %}",
  "{% if call.queue %}Kuyruk: {{ call.queue }}{% endif %}",
  "{% if call.route %}Yönlendirme: {{ call.route }}{% endif %}",
  "{% if call.recording %}Ses kaydı: {{ call.recording }}{% endif %}",
].join("\n");

export const callLogSchema = strict({
  unknown: z
    .enum(["skip", "create"])
    .default("skip")
    .describe(
      "a call of a caller nobody recognised: skip (not written), or create a record for them (once per number) and write it there",
    ),
  title: template(text)
    .default(CALL_LOG_TITLE)
    .describe("the record's subject: a template of call.* (kind, caller, duration, extension, …) and contact.*"),
  body: template(text).default(CALL_LOG_BODY).describe("the record's text: a template, as title"),
  settle: duration
    .pipe(z.number().max(600_000, "at most 10m: the record is written this long after the call ended"))
    .default(5000)
    .describe("how long after a call's end its record is written: time for the ends of the other agents it rang"),
});

export type CallLogConfig = z.output<typeof callLogSchema>;
