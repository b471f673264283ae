import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CALLER, callEvent, routedCall } from "./fixture.js";
import { LocalCallStore } from "./local-store.js";
import { CallTracker } from "./tracker.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "calls-"));
  dirs.push(dir);
  return path.join(dir, "calls.sqlite");
}

describe("LocalCallStore with a file", () => {
  it("keeps a call that had an event across a restart, found by its ids and by its caller", async () => {
    const where = file();
    const before = new LocalCallStore({ file: where });
    const tracker = new CallTracker({ store: before });
    const cardId = await tracker.remember(routedCall({ callId: "1.1" }));
    await tracker.take("acme", callEvent("ringing", { ids: ["u-1"], caller: CALLER }));
    await tracker.delivered("acme", cardId, {
      target: "https://x/h",
      what: "call.ringing",
      outcome: "sent",
      attempt: 1,
      at: 1,
    });
    before.close();

    const after = new CallTracker({ store: new LocalCallStore({ file: where }) });
    const kept = await after.find("acme", "1.1");
    expect(kept).toMatchObject({ cardId, routed: { step: "welcome" }, deliveries: [{ outcome: "sent" }] });
    expect((await after.find("acme", "u-1"))?.cardId).toBe(cardId);
    // the call's end, with an id not seen before, finds it by caller and time
    const end = await after.take("acme", callEvent("ended", { ids: ["k-9"], caller: CALLER }));
    expect(end).toMatchObject({ match: "caller", call: { cardId } });
  });

  it("writes nothing for a routing call until its first event, and forgets what expired", async () => {
    const where = file();
    let now = Date.UTC(2026, 2, 2, 9);
    const store = new LocalCallStore({ file: where, ttlMs: 60_000, now: () => now });
    const tracker = new CallTracker({ store });
    await tracker.remember(routedCall({ callId: "2.2" }));
    const taken = await tracker.remember(routedCall({ callId: "3.3", caller: "+905329998877" }));
    await tracker.take("acme", callEvent("ringing", { ids: ["3.3"] }));
    store.close();

    const reopened = () =>
      new CallTracker({ store: new LocalCallStore({ file: where, ttlMs: 60_000, now: () => now }) });
    expect(await reopened().find("acme", "2.2")).toBeUndefined();
    expect((await reopened().find("acme", "3.3"))?.cardId).toBe(taken);
    now += 61_000;
    expect(await reopened().find("acme", "3.3")).toBeUndefined();
  });

  it("writes a durable binding at once: a crash right after it keeps it, unlike one written behind", async () => {
    const where = file();
    const running = new LocalCallStore({ file: where, flushMs: 60_000 });
    await running.bindId("acme", "created:+905321112233", '{"id":"L-1"}', { durable: true });
    await running.bindId("acme", "1.1", "card-1");
    // the process dies here: no close, no flush; the next start reads the file
    const restarted = new LocalCallStore({ file: where });
    expect(await restarted.findId("acme", ["created:+905321112233"])).toBe('{"id":"L-1"}');
    expect(await restarted.findId("acme", ["1.1"])).toBeUndefined();
    // bound once: a second record for the number is refused in favour of the first
    expect(await restarted.bindId("acme", "created:+905321112233", '{"id":"L-2"}', { durable: true })).toBe(
      '{"id":"L-1"}',
    );
    restarted.close();
    running.close();
  });
});
