import { type Contact, CrmError, definePlugin, parsePhone } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answer } from "./answer.js";
import type { CallEvent } from "./call.js";
import { compileReplies, type LiveTenant } from "./hub/live-tenant.js";
import { lookupCaller, queryFor } from "./lookup/lookup-caller.js";
import { parseTenantSource } from "./tenants/load.js";
import { tokenBytes } from "./tenants/token.js";

// Stages 4 to 6 together: what the CRM returns, the tenant's policy and its rules decide the reply.

const TENANT = (match: string) => `
id: acme
token: s3cret-token
results: { "2": unknown caller, e: the CRM could not tell }
crm: { adapter: fake }
${match}
steps:
  welcome:
    rules:
      - when: { ambiguous: true }
        reply: { result: queue, redirect: santral, say: "Hoş geldiniz, sizi santrale aktarıyorum." }
      - when: { known: true }
        reply:
          result: extensions
          redirect: "{{ contact.owner.extension }}"
          say: "Sayın {{ contact.name }} hoş geldiniz."
      - reply: { result: "2", say: "Hoş geldiniz." }
    fallback: { result: e }
  musteri:
    lookup: customerNumber
    rules:
      - when: { known: true }
        reply: { result: extensions, redirect: "{{ contact.owner.extension }}", say: "Sayın {{ contact.name }}." }
      - reply: { result: "2" }
    fallback: { result: e }
`;

const NUMBER = "02123330000";
const ZEYNEP = { name: "Zeynep Demir", extension: "101" };
const CAN = { name: "Can Öztürk", extension: "102" };

function rec(id: string, over: Partial<Contact> = {}): Contact {
  return { id, source: "fake", kind: "Contact", phones: ["0212 333 00 00"], fields: {}, ...over };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const plugin = definePlugin({ name: "fake", configSchema: z.object({}), create: () => ({ lookup: async () => [] }) });

/** Calls `step` of a tenant with this `match:` block, whose CRM answers `records` (or throws `records`). */
async function call(
  records: Contact[] | Error,
  opts: { match?: string; step?: string; keys?: string; source?: string } = {},
) {
  const config = parseTenantSource(opts.source ?? TENANT(opts.match ?? ""), "/config/tenants/acme.yaml", {});
  const adapter = { lookup: async () => (records instanceof Error ? Promise.reject(records) : records) };
  const tenant: LiveTenant = {
    config,
    plugin,
    adapter,
    policy: config.match,
    cacheHash: "test",
    tokenBytes: tokenBytes(config.token),
    replies: compileReplies(config),
  };
  const step = config.steps.get(opts.step ?? "welcome") ?? config.defaultStep;
  const event: CallEvent = {
    callId: "1",
    caller: parsePhone(NUMBER),
    callerRaw: NUMBER,
    called: "8503030303",
    pbx: "8503030303",
    vars: {},
    format: "json",
  };
  if (opts.keys) event.keys = opts.keys;
  const found = await lookupCaller(adapter, queryFor(step.lookup, event), {
    policy: tenant.policy,
    region: config.region,
    deadlineMs: 1000,
    log: silent,
  });
  return { found, ...answer(tenant, step, event, found, new Date("2026-11-25T08:00:00Z")) };
}

describe("ambiguous calls reach the rules", () => {
  it("routes a call the policy cannot decide to the tenant's queue, naming nobody", async () => {
    const elif = rec("1", { name: "Elif Kara", owner: ZEYNEP, updatedAt: "2026-11-02" });
    const murat = rec("2", { name: "Murat Kara", owner: CAN, updatedAt: "2026-11-02" });
    const { found, match, decision } = await call([elif, murat]);
    expect(found).toMatchObject({ contact: null, ambiguous: true, resolver: null, candidates: 2 });
    expect(match.rule).toBe(0);
    expect(decision).toEqual({
      status: "success",
      result: "queue",
      redirect: "santral",
      say: "Hoş geldiniz, sizi santrale aktarıyorum.",
    });
  });

  it("greets the record the policy picks when it can decide", async () => {
    const elif = rec("1", { name: "Elif Kara", owner: ZEYNEP, updatedAt: "2026-11-02" });
    const murat = rec("2", { name: "Murat Kara", owner: CAN, updatedAt: "2026-10-20" });
    const { found, decision } = await call([murat, elif]);
    expect(found).toMatchObject({ resolver: "updated", ambiguous: false });
    expect(decision).toMatchObject({ result: "extensions", redirect: "101", say: "Sayın Elif Kara hoş geldiniz." });
  });

  it("a tenant whose policy has no resolver sends every shared number to the queue", async () => {
    const elif = rec("1", { name: "Elif Kara", owner: ZEYNEP, updatedAt: "2026-11-02" });
    const murat = rec("2", { name: "Murat Kara", owner: CAN, updatedAt: "2026-10-20" });
    const { decision } = await call([elif, murat], { match: "match: { resolvers: [] }" });
    expect(decision).toMatchObject({ result: "queue", redirect: "santral" });
  });

  it("routes to a shared owner without naming either of two people it cannot tell apart", async () => {
    const elif = rec("1", { name: "Elif Kara", owner: ZEYNEP });
    const murat = rec("2", { name: "Murat Kara", owner: ZEYNEP });
    const { found, decision } = await call([elif, murat]);
    expect(found).toMatchObject({ resolver: "sameOwner", ambiguous: false, choice: { nameWithheld: true } });
    expect(decision).toEqual({ status: "success", result: "extensions", redirect: "101", say: "Sayın hoş geldiniz." });
  });
});

describe("verification in the call path", () => {
  it("drops a near miss the CRM returned, and the caller is unknown", async () => {
    const nearMiss = rec("n", { name: "Kemal Uçar", phones: ["0212 333 00 01"], owner: CAN });
    const { found, decision } = await call([nearMiss]);
    expect(found).toMatchObject({ contact: null, ambiguous: false, candidates: 1, dropped: [nearMiss] });
    expect(decision).toEqual({ status: "success", result: "2", say: "Hoş geldiniz." });
  });

  it("does not check records found by a typed customer number against the caller's phone", async () => {
    const other = rec("c", { name: "Nur Güneş", phones: ["0544 100 00 11"], owner: CAN });
    const { found, decision } = await call([other], { step: "musteri", keys: "4802135" });
    expect(found).toMatchObject({ checks: null, dropped: [], resolver: "single" });
    expect(decision).toMatchObject({ result: "extensions", redirect: "102", say: "Sayın Nur Güneş." });
  });

  it("answers the fallback when the CRM cannot tell, with nothing chosen", async () => {
    const { found, match } = await call(new CrmError("unavailable", "fake", "down"));
    expect(found).toMatchObject({ failed: true, choice: null, error: { kind: "unavailable" } });
    expect(match.rule).toBe("fallback");
  });
});

describe("company fallback in the call path", () => {
  const account = rec("acc", { kind: "Account", name: "Kara Holding", owner: CAN });

  it("off by default: a number only a company carries is an unknown caller", async () => {
    const { found, decision } = await call([account]);
    expect(found).toMatchObject({ contact: null, ambiguous: false, choice: { companyFallback: false } });
    expect(decision.result).toBe("2");
  });

  it("on: the company is the contact, its owner the representative", async () => {
    const { found, decision } = await call([account], { match: "match: { companyFallback: true }" });
    expect(found).toMatchObject({ contact: account, resolver: "single", choice: { companyFallback: true } });
    expect(decision).toMatchObject({ result: "extensions", redirect: "102", say: "Sayın Kara Holding hoş geldiniz." });
  });

  it("on, with a person on the number too: the person, not the company", async () => {
    const person = rec("p", { name: "Elif Kara", owner: ZEYNEP });
    const { decision } = await call([account, person], { match: "match: { companyFallback: true }" });
    expect(decision).toMatchObject({ redirect: "101", say: "Sayın Elif Kara hoş geldiniz." });
  });
});

describe("a template that fails to render", () => {
  // every tag, for every tag, for every tag: fits for a few tags, over the render budget for many
  const CUBED =
    "{% for a in contact.tags %}{% for b in contact.tags %}{% for c in contact.tags %}{{ c }}{% endfor %}{% endfor %}{% endfor %}";
  const source = (fallback: string) => `
id: acme
token: s3cret-token
results: { "1": known, "2": unknown caller, e: the CRM could not tell }
crm: { adapter: fake }
steps:
  welcome:
    rules:
      - when: { known: true }
        reply: { result: "1", say: ${JSON.stringify(CUBED)} }
      - reply: { result: "2", say: ${JSON.stringify(CUBED)} }
    fallback: ${fallback}
`;
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

  it("answers the step's fallback, saying which rule and key failed and why", async () => {
    const heavy = rec("1", { name: "Elif Kara", tags: tags(40) });
    const { match, decision, renderFailed } = await call([heavy], {
      source: source('{ result: e, say: "Sizi temsilciye aktarıyoruz." }'),
    });
    expect(match.rule).toBe("fallback");
    expect(decision).toEqual({ status: "success", result: "e", say: "Sizi temsilciye aktarıyoruz." });
    expect(renderFailed).toEqual([
      { rule: 0, key: "say", reason: "steps", message: expect.stringMatching(/500 parts/) },
    ]);
    expect(JSON.stringify(renderFailed)).not.toMatch(/Elif|t39/);
  });

  it("renders the same template for a contact whose data fits", async () => {
    const light = rec("1", { name: "Elif Kara", tags: ["a", "b"] });
    const { match, decision, renderFailed } = await call([light], { source: source("{ result: e }") });
    expect(match.rule).toBe(0);
    expect(decision).toEqual({ status: "success", result: "1", say: "abababab" });
    expect(renderFailed).toBeUndefined();
  });

  it("answers the fallback bare when its own template fails too, keeping a plain redirect", async () => {
    const heavy = rec("1", { name: "Elif Kara", tags: tags(40) });
    const { match, decision, renderFailed } = await call([heavy], {
      source: source(`{ result: queue, redirect: santral, say: ${JSON.stringify(CUBED)} }`),
    });
    expect(match.rule).toBe("fallback");
    expect(decision).toEqual({ status: "success", result: "queue", redirect: "santral" });
    expect(renderFailed?.map((f) => f.rule)).toEqual([0, "fallback"]);
  });

  it("fails the same way on every call for the same contact", async () => {
    const heavy = rec("1", { name: "Elif Kara", tags: tags(40) });
    const src = source("{ result: e }");
    const answerOf = async () => {
      const { match, decision, renderFailed } = await call([heavy], { source: src });
      return { rule: match.rule, decision, renderFailed };
    };
    const first = await answerOf();
    expect(first.rule).toBe("fallback");
    for (let i = 0; i < 5; i++) expect(await answerOf()).toEqual(first);
  });
});
