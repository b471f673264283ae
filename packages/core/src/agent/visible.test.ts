import { describe, expect, it } from "vitest";
import { testCard } from "./testing.js";
import type { AgentIdentity } from "./types.js";
import { visibleTo } from "./visible.js";

const agent: AgentIdentity = { tenant: "acme", extension: "101", queues: ["SATIŞ", "destek"], linkId: "x" };

describe("which cards an agent sees", () => {
  it("a call for their extension, or for one of their queues ignoring case the Turkish way", () => {
    expect(visibleTo(testCard({ agent: { extension: "101" } }), agent)).toBe(true);
    expect(visibleTo(testCard({ agent: { queue: "satış" } }), agent)).toBe(true);
    expect(visibleTo(testCard({ agent: { queue: "Destek" } }), agent)).toBe(true);
    expect(visibleTo(testCard({ agent: { extension: "102", queue: "destek" } }), agent)).toBe(true);
  });

  it("never another extension's, another queue's, a card with no agent, or another tenant's", () => {
    expect(visibleTo(testCard({ agent: { extension: "102" } }), agent)).toBe(false);
    expect(visibleTo(testCard({ agent: { extension: "1010" } }), agent)).toBe(false);
    expect(visibleTo(testCard({ agent: { queue: "muhasebe" } }), agent)).toBe(false);
    expect(visibleTo(testCard({ agent: {} }), agent)).toBe(false);
    const { agent: _, ...noAgent } = testCard();
    expect(visibleTo(noAgent, agent)).toBe(false);
    expect(visibleTo(testCard({ tenant: "globex", agent: { extension: "101" } }), agent)).toBe(false);
  });
});
