import type { Contact } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { type Choice, choose, DEFAULT_POLICY, type MatchPolicy } from "./policy.js";

// The promise: the same records give the same choice whatever order the CRM returned them in.

const ZEYNEP = { name: "Zeynep Demir", extension: "101" };
const CAN = { name: "Can Öztürk", extension: "102" };

function rec(id: string, over: Partial<Contact> = {}): Contact {
  return { id, source: "test", kind: "Contact", phones: ["02123330000"], name: `Kişi ${id}`, fields: {}, ...over };
}

const policy = (over: Partial<MatchPolicy> = {}): MatchPolicy => ({ ...DEFAULT_POLICY, ...over });

describe("choose: the same input gives the same choice in any order", () => {
  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, i) =>
      permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
    );
  }

  function summary(choice: Choice) {
    return {
      ...choice,
      pool: choice.pool.map((c) => c.id),
      trace: choice.trace.map((s) => s.remaining.map((c) => c.id)),
    };
  }

  const sets: Record<string, Contact[]> = {
    "decided by kind": [
      rec("10011", { kind: "row", name: "Elif Kara", owner: ZEYNEP, updatedAt: "2026-11-02" }),
      rec("10012", { kind: "row", name: "Murat Kara", owner: CAN, updatedAt: "2026-10-20" }),
      rec("10013", { kind: "Lead", name: "Deniz Kara", owner: CAN, updatedAt: "2026-12-01" }),
      rec("10014", { kind: "Account", name: "Kara Holding", owner: CAN }),
    ],
    ambiguous: [
      rec("a", { owner: ZEYNEP, updatedAt: "2026-01-01" }),
      rec("b", { owner: CAN, updatedAt: "2026-01-01" }),
      rec("c", { owner: CAN, updatedAt: "2025-01-01" }),
      rec("d", { owner: ZEYNEP, updatedAt: "2026-01-01" }),
    ],
    "name withheld": [
      rec("x", { name: "Elif Kara", owner: ZEYNEP, fields: { segment: "kurumsal", not: "x" } }),
      rec("y", { name: "Murat Kara", owner: ZEYNEP, fields: { segment: "kurumsal", not: "y" } }),
      rec("z", { name: "Deniz Kara", owner: ZEYNEP, fields: { segment: "kurumsal" } }),
    ],
    "duplicates and shared ids": [
      rec("7", { kind: "contact", updatedAt: "2026-01-01", owner: ZEYNEP }),
      rec("7", { kind: "contact", updatedAt: "2026-01-01", owner: ZEYNEP }),
      rec("7", { kind: "company", updatedAt: "2026-05-01", owner: CAN }),
      rec("8", { kind: "contact", updatedAt: "2026-01-01", owner: CAN }),
    ],
  };

  for (const [label, records] of Object.entries(sets)) {
    it(`${label}: every one of the ${permutations(records).length} orders gives one answer`, () => {
      const first = summary(choose(records, DEFAULT_POLICY));
      for (const order of permutations(records)) expect(summary(choose(order, DEFAULT_POLICY))).toEqual(first);
      for (const order of permutations(records)) {
        expect(summary(choose(order, policy({ companyFallback: true, resolvers: ["created", "updated"] })))).toEqual(
          summary(choose(records, policy({ companyFallback: true, resolvers: ["created", "updated"] }))),
        );
      }
    });
  }

  it("picks what the policy says in each of those sets", () => {
    expect(choose(sets["decided by kind"] ?? [], DEFAULT_POLICY)).toMatchObject({
      contact: { id: "10013" },
      resolver: "kind",
    });
    expect(choose(sets.ambiguous ?? [], DEFAULT_POLICY)).toMatchObject({ contact: null, ambiguous: true });
    const withheld = choose(sets["name withheld"] ?? [], DEFAULT_POLICY);
    expect(withheld).toMatchObject({ nameWithheld: true, contact: { id: "x+y+z", fields: { segment: "kurumsal" } } });
    expect(withheld.contact?.name).toBeUndefined();
  });
});
