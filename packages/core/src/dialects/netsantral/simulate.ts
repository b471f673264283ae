import type { SimulatedCall } from "../dialect.js";

/**
 * What Netsantral's event webhook sends for one incoming call offered to a queue and answered by an
 * extension, shaped as Netgsm's examples (NETSANTRAL.md "Call events"): `Inbound_call`, `Queue`, `Answer`,
 * then the call record (`cdr`, numbers as JSON numbers where the example has them).
 */
export function exampleEvents(call: SimulatedCall): Record<string, unknown>[] {
  const { callId, caller, called, extension, queue, talkSec, startedAt } = call;
  const at = (ms: number) => String(startedAt + ms);
  const queueName = queue ? `${called}-queue-${queue}` : undefined;
  const answered = startedAt + 4000;
  const ended = answered + talkSec * 1000;
  const events: Record<string, unknown>[] = [
    {
      pbx_num: called,
      unique_id: callId,
      scenario: "Inbound_call",
      customer_num: caller,
      internal_num: extension,
      incoming_number: called,
      timestamp: at(500),
    },
  ];
  if (queueName)
    events.push({ queue_name: queueName, pbx_num: called, unique_id: callId, scenario: "Queue", timestamp: at(1000) });
  events.push(
    {
      pbx_num: called,
      unique_id: callId,
      scenario: "Answer",
      customer_num: caller,
      internal_num: extension,
      holdtime: "3",
      timestamp: String(answered),
    },
    {
      bas: istanbulTime(startedAt),
      kimlik: Number(callId.replace(/\D/g, "").slice(0, 12)) || 1,
      ortakkimlik: Number(callId.replace(/\D/g, "").slice(0, 12)) || 1,
      clid: `"${caller}" <${caller}>`,
      arayan: caller,
      aranan: queueName ?? extension,
      sure: talkSec,
      sondurum: 3,
      santral: called,
      yon: 1,
      seskaydi: `https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=${encodeURIComponent(callId)}`,
      asteriskId: `sip1-${callId}`,
      trunk: called,
      scenario: "cdr",
      timestamp: String(ended),
    },
  );
  return events;
}

/** `YYYY-MM-DD HH:mm:ss` on Istanbul's clock (UTC+3 all year since 2016), as the CDR's `bas` is. */
function istanbulTime(ms: number): string {
  return new Date(ms + 3 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
}
