import type { Contact } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { choose, DEFAULT_POLICY, type MatchPolicy } from "./policy.js";

const ZEYNEP = { name: "Zeynep Demir", extension: "101" };
const CAN = { name: "Can Öztürk", extension: "102" };

function rec(id: string, over: Partial<Contact> = {}): Contact {
  return { id, source: "test", kind: "Contact", phones: ["02123330000"], name: `Kişi ${id}`, fields: {}, ...over };
}

const policy = (over: Partial<MatchPolicy> = {}): MatchPolicy => ({ ...DEFAULT_POLICY, ...over });
const pick = (records: Contact[], over: Partial<MatchPolicy> = {}) => choose(records, policy(over));

describe("choose: what decides", () => {
  it("finds nobody in no records, and that is not ambiguous", () => {
    expect(pick([])).toMatchObject({ contact: null, ambiguous: false, resolver: null });
  });

  it("takes a single record without asking a resolver", () => {
    const only = rec("a");
    expect(pick([only])).toMatchObject({ contact: only, ambiguous: false, resolver: "single", trace: [] });
  });

  it("sameOwner: records sharing one owner route to that owner, naming the record the other resolvers pick", () => {
    const lead = rec("1", { kind: "Lead", name: "Elif Kara", owner: ZEYNEP });
    const contact = rec("2", { kind: "Contact", name: "Elif Kara", owner: { ...ZEYNEP, name: "ZEYNEP DEMİR" } });
    const choice = pick([lead, contact]);
    expect(choice).toMatchObject({ contact, resolver: "sameOwner", ambiguous: false, nameWithheld: false });
  });

  it("sameOwner: does not decide when one record has no owner, or the owners differ", () => {
    const a = rec("a", { owner: ZEYNEP, updatedAt: "2026-01-02" });
    const b = rec("b", { updatedAt: "2026-01-01" });
    const c = rec("c", { owner: CAN, updatedAt: "2026-01-01" });
    expect(pick([a, b]).trace[0]).toMatchObject({ resolver: "sameOwner", outcome: "undecided" });
    expect(pick([a, b]).resolver).toBe("updated");
    expect(pick([a, c]).resolver).toBe("updated");
  });

  it("kind: Contact before Lead before Account, any case; kinds not listed rank last", () => {
    const lead = rec("l", { kind: "lead" });
    const contact = rec("c", { kind: "contact" });
    const row = rec("r", { kind: "row" });
    expect(pick([lead, contact, row])).toMatchObject({ contact, resolver: "kind" });
    expect(pick([lead, row])).toMatchObject({ contact: lead, resolver: "kind" });
    expect(pick([lead, contact], { kinds: ["Lead", "Contact"] })).toMatchObject({ contact: lead, resolver: "kind" });
  });

  it("updated: the most recently updated; a record without the time never wins", () => {
    const old = rec("o", { updatedAt: "2026-10-20" });
    const recent = rec("r", { updatedAt: "2026-11-02T09:00:00Z" });
    const unknown = rec("u");
    expect(pick([old, recent, unknown])).toMatchObject({ contact: recent, resolver: "updated" });
    expect(pick([old, unknown])).toMatchObject({ contact: old, resolver: "updated" });
  });

  it("updated: a time without an offset is read as UTC, so every hub node ranks alike", () => {
    const morning = rec("m", { updatedAt: "2026-11-02T01:00:00" });
    const midnightTurkey = rec("t", { updatedAt: "2026-11-02T00:30:00+03:00" }); // 21:30 UTC the day before
    expect(pick([morning, midnightTurkey]).contact).toBe(morning);
  });

  it("created: the earliest created; a record without the time never wins", () => {
    const first = rec("f", { createdAt: "2020-01-01" });
    const later = rec("l", { createdAt: "2024-06-01" });
    expect(pick([later, first, rec("x")])).toMatchObject({ contact: first, resolver: "created" });
  });

  it("a resolver that cannot tell narrows the field for the next", () => {
    const a = rec("a", { kind: "Contact", updatedAt: "2026-01-01" });
    const b = rec("b", { kind: "Contact", updatedAt: "2026-02-01" });
    const lead = rec("l", { kind: "Lead", updatedAt: "2026-03-01" });
    const choice = pick([a, b, lead]);
    expect(choice).toMatchObject({ contact: b, resolver: "updated" });
    expect(choice.trace.map((s) => [s.resolver, s.outcome, s.remaining.map((c) => c.id)])).toEqual([
      ["sameOwner", "undecided", ["a", "b", "l"]],
      ["kind", "narrowed", ["a", "b"]],
      ["updated", "decided", ["b"]],
    ]);
  });

  it("follows the tenant's order of resolvers", () => {
    const contact = rec("c", { kind: "Contact", updatedAt: "2026-01-01" });
    const lead = rec("l", { kind: "Lead", updatedAt: "2026-03-01" });
    expect(pick([contact, lead]).contact).toBe(contact);
    expect(pick([contact, lead], { resolvers: ["updated", "kind"] })).toMatchObject({
      contact: lead,
      resolver: "updated",
    });
  });
});

describe("choose: ties and ambiguity", () => {
  it("is ambiguous when every resolver ties, and names nobody", () => {
    const a = rec("a", { owner: ZEYNEP, updatedAt: "2026-01-01", createdAt: "2025-01-01" });
    const b = rec("b", { owner: CAN, updatedAt: "2026-01-01", createdAt: "2025-01-01" });
    const choice = pick([a, b]);
    expect(choice).toMatchObject({ contact: null, ambiguous: true, resolver: null });
    expect(choice.trace.map((s) => s.outcome)).toEqual(["undecided", "undecided", "undecided", "undecided"]);
  });

  it("is ambiguous when the tenant lists no resolver, or only ones that cannot tell", () => {
    const a = rec("a", { updatedAt: "2026-01-01" });
    const b = rec("b", { updatedAt: "2026-02-01" });
    expect(pick([a, b], { resolvers: [] })).toMatchObject({ contact: null, ambiguous: true });
    expect(pick([a, b], { resolvers: ["created"] })).toMatchObject({ contact: null, ambiguous: true });
  });

  // The choice documented in policy.ts: sameOwner settles where the call goes; when the records sharing
  // the owner are different people that nothing else tells apart, the route stands but the name is withheld.
  it("sameOwner with different people it cannot tell apart: routes to the owner, withholds the name", () => {
    const elif = rec("1", {
      name: "Elif Kara",
      owner: ZEYNEP,
      vip: true,
      tags: ["kurumsal", "altın"],
      company: "Kara",
    });
    const murat = rec("2", { name: "Murat Kara", owner: ZEYNEP, vip: false, tags: ["kurumsal"], company: "Kara" });
    const choice = pick([elif, murat]);
    expect(choice).toMatchObject({ resolver: "sameOwner", ambiguous: false, nameWithheld: true });
    expect(choice.contact).toEqual({
      id: "1+2",
      source: "test",
      kind: "Contact",
      phones: ["02123330000"],
      owner: ZEYNEP,
      company: "Kara",
      vip: false, // only one of them is a VIP: no VIP treatment on a guess
      tags: ["kurumsal"],
      fields: {},
    });
  });

  it("sameOwner with two records of one person names that person", () => {
    const a = rec("a", { name: "ELİF KARA", owner: ZEYNEP });
    const b = rec("b", { name: "Elif  Kara", owner: ZEYNEP });
    expect(pick([a, b])).toMatchObject({ contact: a, resolver: "sameOwner", nameWithheld: false });
  });

  it("counts a record returned twice once", () => {
    const a = rec("a");
    expect(pick([a, { ...a }])).toMatchObject({ contact: a, resolver: "single" });
  });

  it("keeps records of different kinds that share an id apart (HubSpot contact 101, company 101)", () => {
    const person = rec("101", { kind: "contact" });
    const company = rec("101", { kind: "company" });
    expect(pick([company, person], { companyFallback: true })).toMatchObject({ contact: person, resolver: "single" });
  });

  it("is ambiguous when more records carry the number than the policy weighs", () => {
    const records = ["a", "b", "c"].map((id, i) => rec(id, { updatedAt: `2026-0${i + 1}-01` }));
    expect(pick(records, { limit: 2 })).toMatchObject({ contact: null, ambiguous: true, overLimit: true });
    expect(pick(records, { limit: 3 })).toMatchObject({ contact: records[2], overLimit: false });
  });
});

describe("choose: company fallback", () => {
  const account = rec("acc", { kind: "Account", name: "Kara Holding", owner: CAN });
  const person = rec("p", { kind: "Contact", name: "Elif Kara", owner: ZEYNEP });

  it("off (the default): a number only a company carries is not recognised", () => {
    expect(pick([account])).toMatchObject({ contact: null, ambiguous: false, companyFallback: false });
  });

  it("on: a number only a company carries gives the company, with its owner as the representative", () => {
    const choice = pick([account], { companyFallback: true });
    expect(choice).toMatchObject({ contact: account, resolver: "single", companyFallback: true });
    expect(choice.contact?.owner).toEqual(CAN);
  });

  it("on: a person who carries the number comes before any company", () => {
    expect(pick([account, person], { companyFallback: true })).toMatchObject({
      contact: person,
      companyFallback: false,
    });
    expect(pick([account, person])).toMatchObject({ contact: person, resolver: "single" });
  });

  it("on: several companies are chosen among by the resolvers; the company kinds are the tenant's", () => {
    const newer = rec("acc2", { kind: "Account", updatedAt: "2026-05-01", owner: ZEYNEP });
    expect(pick([account, newer], { companyFallback: true })).toMatchObject({ contact: newer, resolver: "updated" });
    const firma = rec("f", { kind: "Firma" });
    expect(pick([firma], { companyKinds: ["firma"] }).contact).toBeNull();
    expect(pick([firma]).contact).toBe(firma);
  });
});
