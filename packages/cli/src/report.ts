import type { CallExplanation, ExplainedCandidate, Explanation } from "@santral-hub/core";

// The operator's report: one section per stage, in the order a call goes through them. Numbers and names
// are printed in full on purpose (see the command's help); the hub's logs mask them.

const LABEL = 11;

function line(label: string, text: string): string {
  return `${label.padEnd(LABEL)}${text}`;
}

function indent(text: string, by = LABEL): string {
  return `${" ".repeat(by)}${text}`;
}

function caller(e: Explanation): string[] {
  if (!e.caller) return [line("Caller", "none (withheld, or not a number)")];
  const { input, e164, country, variants } = e.caller;
  const parsed = line("Caller", `${input} → ${e164}${country ? ` (${country})` : ""}`);
  // a customer-number step searches by the digits typed, not by the caller's number
  if (e.step.lookup !== "phone") return [parsed];
  return [parsed, line("Shapes", `${variants.length} searched: ${variants.join(" | ")}`)];
}

function lookup(e: Explanation): string[] {
  if (!e.query) return [line("Lookup", "nothing asked (see the notes)")];
  const what = e.query.phone ? `phone ${e.query.phone}` : `customer number ${e.query.customerNumber}`;
  const error = e.crm.error ? `; could not tell: ${e.crm.error.kind}: ${e.crm.error.message}` : "";
  const returned = `${e.crm.returned} record${e.crm.returned === 1 ? "" : "s"} returned`;
  const out = [line("Lookup", `${e.crm.plugin} asked by ${what}: ${returned} in ${e.timings.lookup} ms${error}`)];
  if (e.crm.searched)
    out.push(indent(`searched: ${e.crm.searched.join(", ") || "nothing (the config names no field)"}`));
  return out;
}

function candidate(c: ExplainedCandidate): string[] {
  const mark = c.chosen ? "*" : c.verified === "dropped" ? "x" : "-";
  const facts = [
    c.kind,
    c.owner && `owner ${[c.owner.name, c.owner.extension].filter(Boolean).join(" ")}`,
    c.vip && "VIP",
    c.updatedAt && `updated ${c.updatedAt}`,
    c.createdAt && `created ${c.createdAt}`,
  ].filter(Boolean);
  const phones = c.phones.map((p) => `"${p.stored}" → ${p.numbers.join(", ") || "no number"}`);
  return [
    indent(`${mark} ${c.id}  ${c.name ?? "(no name)"}${facts.length ? `  (${facts.join(", ")})` : ""}`, 2),
    indent(`phones: ${phones.join("; ") || "none"}`, 6),
    indent(`${c.verified}; ${c.why}`, 6),
  ];
}

function choice(e: Explanation): string[] {
  const { choice: c } = e;
  const who = c.contact ? `${c.contact} ${c.name ?? "(name withheld)"}` : c.ambiguous ? "nobody: ambiguous" : "nobody";
  const by = c.resolver === "single" ? ", the only record found" : c.resolver ? `, decided by ${c.resolver}` : "";
  const out = [line("Choice", `${who}${by}${c.companyFallback ? " (company fallback)" : ""}`)];
  const trace = c.trace.map((s) => `${s.resolver} ${s.outcome} [${s.remaining.join(", ")}]`);
  if (trace.length) out.push(indent(`resolvers: ${trace.join(" → ")}`));
  const p = e.policy;
  const fallback = p.companyFallback ? "on" : "off";
  out.push(
    indent(`policy: ${p.resolvers.join(", ") || "(none)"}${kinds(e)}; company fallback ${fallback}; limit ${p.limit}`),
  );
  return out;
}

/** The policy's preferred kinds, only for a CRM whose records have kinds (a CSV without a kind column has none). */
function kinds(e: Explanation): string {
  const { kinds: crm } = e.crm;
  if (!crm) return "";
  const has = Array.isArray(crm) ? `the CRM's: ${crm.join(", ")}` : `from column ${crm.column}`;
  return `; kinds ${e.policy.kinds.join(" > ")} (${has})`;
}

function rule(e: Explanation): string[] {
  const { index, when } = e.rule;
  if (index === "fallback") return [line("Rule", "the step's fallback")];
  return [line("Rule", `#${index} of step ${e.step.name}, when ${when ? JSON.stringify(when) : "(always)"}`)];
}

function reply(e: Explanation): string[] {
  const { result, redirect, say } = e.decision;
  const out = [line("Reply", `result ${result}${redirect ? `, redirect ${redirect}` : ""}`)];
  if (say) out.push(indent(`says: "${say}"`));
  return out;
}

/** The readable report of one explanation. */
export function report(e: Explanation): string {
  const t = e.timings;
  const lines = [
    `santral-hub explain: tenant ${e.tenant}, step ${e.step.name} (lookup by ${e.step.lookup}, deadline ${e.step.deadlineMs} ms)`,
    line("Config", e.file),
    "",
    ...caller(e),
    ...(e.customerNumber ? [line("Typed", e.customerNumber)] : []),
    ...lookup(e),
    "",
    `Candidates (${e.candidates.length})${e.candidates.length ? "  * chosen, - not chosen, x dropped" : ""}`,
    ...e.candidates.flatMap(candidate),
    "",
    ...choice(e),
    ...rule(e),
    ...reply(e),
    "",
    line(
      "Time (ms)",
      `load ${t.load} · lookup ${t.lookup} · verify ${t.verify} · choose ${t.choose} · decide ${t.decide}`,
    ),
  ];
  if (e.notes.length) lines.push("", "Notes", ...e.notes.map((n) => indent(`- ${n}`, 2)));
  return `${lines.join("\n")}\n`;
}

/** The readable report of a followed call: times in the tenant's zone. */
export function callReport(e: CallExplanation): string {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: e.timeZone,
    dateStyle: "short",
    timeStyle: "medium",
  });
  const at = (ms: number) => time.format(ms);
  const lines = [
    `santral-hub explain: tenant ${e.tenant}, call ${e.card} (${e.state})`,
    line("Ids", e.pbxIds.join(", ") || "none"),
    line("Began", `${at(e.startedAt)} (${e.timeZone})`),
    line("Caller", e.caller ?? "withheld"),
  ];
  if (e.route) {
    const { step, rule: r, result, redirect, reason } = e.route;
    lines.push(
      line(
        "Route",
        `step ${step}, ${r === "fallback" ? "fallback" : `rule #${r}`}: ${result}${redirect ? ` ${redirect}` : ""}`,
      ),
      indent(`why: ${reason}`),
    );
  } else lines.push(line("Route", "none: no routing step of the hub"));
  const c = e.contact;
  lines.push(
    line(
      "Contact",
      c
        ? `${c.id} ${c.name ?? "(no name)"}${c.vip ? " (VIP)" : ""}, found by the ${c.by === "routing" ? "routing step" : "events' lookup"}`
        : "nobody recognised",
    ),
  );
  const agent = [e.agent.extension && `extension ${e.agent.extension}`, e.agent.queue && `queue ${e.agent.queue}`];
  if (agent.some(Boolean)) lines.push(line("Agent", agent.filter(Boolean).join(", ")));
  if (e.ended) {
    const { durationSec, disposition, recordingUrl } = e.ended;
    const facts = [
      disposition,
      durationSec !== undefined && `${durationSec} s`,
      recordingUrl && `recording ${recordingUrl}`,
    ];
    lines.push(line("Ended", facts.filter(Boolean).join(", ")));
  }
  lines.push("", `Events (${e.events.length})`);
  for (const ev of e.events) {
    const facts = [
      ev.extension && `ext ${ev.extension}`,
      ev.queue && `queue ${ev.queue}`,
      ev.digits && `keys ${ev.digits}`,
    ];
    const more = facts.filter(Boolean).join(", ");
    lines.push(indent(`${at(ev.at)}  ${ev.scenario} → ${ev.kind}${more ? `  (${more})` : ""}`, 2));
  }
  lines.push("", `Deliveries (${e.deliveries.length})`);
  for (const d of e.deliveries) {
    const detail = d.detail ? `: ${d.detail}` : "";
    lines.push(indent(`${at(d.at)}  ${d.what} → ${d.target}  try ${d.attempt}, ${d.outcome}${detail}`, 2));
  }
  if (e.notes.length) lines.push("", "Notes", ...e.notes.map((n) => indent(`- ${n}`, 2)));
  return `${lines.join("\n")}\n`;
}
