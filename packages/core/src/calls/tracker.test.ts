import { randomUUID } from "node:crypto";
import type { Contact, Phone } from "@santral-hub/sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AHMET, CALLER, callEvent, routedCall, T0 } from "./fixture.js";
import { LocalCallStore } from "./local-store.js";
import { RedisCallStore } from "./redis-store.js";
import type { CallStore } from "./store.js";
import { CallTracker, type Taken, type TrackedCall } from "./tracker.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const HOUR = 3_600_000;
let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  const pong = await redis.ping().catch((error: Error) => error.message);
  expect(pong, `Redis at ${REDIS_URL} is not reachable: start it (.ci/run does)`).toBe("PONG");
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

/** A key prefix of one test's own, deleted after the file. */
function newPrefix(): string {
  const prefix = `test:calls:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

function redisStore(ttlMs = HOUR, prefix = newPrefix(), client = redis): RedisCallStore {
  return new RedisCallStore({ client, prefix, ttlMs });
}

const BACKENDS: Record<string, () => CallStore> = {
  local: () => new LocalCallStore({ ttlMs: HOUR }),
  redis: () => redisStore(),
};

function call(taken: Taken): TrackedCall {
  if (taken.duplicate || !taken.call) throw new Error(`expected a call, got ${JSON.stringify(taken)}`);
  return taken.call;
}

function counting(contact: Contact | undefined = AHMET) {
  const asked: string[] = [];
  const lookup = async (phone: Phone) => {
    asked.push(phone.e164);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return contact;
  };
  return { asked, lookup };
}

for (const [backend, makeStore] of Object.entries(BACKENDS)) {
  describe(`CallTracker on ${backend}`, () => {
    it("finds the routing call by id when the event's unique_id is the request's arama_id", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const cardId = await tracker.remember(routedCall({ callId: "1428481992.3556" }));
      const taken = await tracker.take("acme", callEvent("ringing", { ids: ["1428481992.3556"], caller: null }));
      expect(taken).toMatchObject({ duplicate: false, match: "id", late: false });
      expect(call(taken)).toMatchObject({ cardId, contact: { name: "Ahmet Yılmaz" }, routed: { step: "welcome" } });
    });

    it("finds it by caller and time when the ids disagree, and later events of the call by their id", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const cardId = await tracker.remember(routedCall());
      const ring = await tracker.take(
        "acme",
        callEvent("ringing", { ids: ["1428481992.3556"], caller: "05441000000" }),
      );
      expect(ring).toMatchObject({ match: "caller", call: { cardId } });
      const queued = await tracker.take("acme", callEvent("queued", { ids: ["1428481992.3556"], queue: "Destek" }));
      expect(queued).toMatchObject({ match: "id", call: { cardId, facts: { agent: { queue: "Destek" } } } });
    });

    it("takes the latest routing call of the caller within the window, and none of another tenant or past it", async () => {
      const tracker = new CallTracker({ store: makeStore(), windowMs: 10 * 60_000 });
      await tracker.remember(routedCall({ callId: "a" }));
      const second = await tracker.remember(routedCall({ callId: "b", at: T0 + 60_000 }));
      await tracker.remember(routedCall({ callId: "c", at: T0 + 70_000, tenant: "other" }));
      const near = await tracker.take("acme", callEvent("ringing", { ids: ["u1"], caller: CALLER, at: T0 + 90_000 }));
      expect(near).toMatchObject({ match: "caller", call: { cardId: second } });
      const far = await tracker.take(
        "acme",
        callEvent("ringing", { ids: ["u2"], caller: CALLER, at: T0 + 20 * 60_000 }),
      );
      expect(far).toMatchObject({ match: "new" });
      expect(call(far).routed).toBeUndefined();
    });

    it("starts a new call for the caller's next ring, not the ended call or the one already ringing", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const first = await tracker.remember(routedCall());
      await tracker.take("acme", callEvent("ended", { ids: ["u1"], caller: CALLER, at: T0 + 60_000 }));
      const again = await tracker.take("acme", callEvent("ringing", { ids: ["u2"], caller: CALLER, at: T0 + 90_000 }));
      expect(again).toMatchObject({ match: "new" });
      expect(call(again).cardId).not.toBe(first);
      const third = await tracker.take("acme", callEvent("ringing", { ids: ["u3"], caller: CALLER, at: T0 + 95_000 }));
      expect(third).toMatchObject({ match: "new" });
      expect(call(third).cardId).not.toBe(call(again).cardId);
    });

    it("matches a long call's end by when it began, not by when it ended", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const cardId = await tracker.remember(routedCall());
      const end = callEvent("ended", { ids: ["k1"], caller: CALLER, at: T0 + 45 * 60_000, startedAt: T0 + 2_000 });
      expect(await tracker.take("acme", end)).toMatchObject({ match: "caller", call: { cardId } });
    });

    it("looks a call that never passed a routing step up once for its three events", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const { asked, lookup } = counting();
      const events = [
        callEvent("ringing", { ids: ["9.1"], caller: "05441000000", direction: "inbound" }),
        callEvent("queued", { ids: ["9.1"], queue: "Destek", at: T0 + 8_000 }),
        callEvent("ended", { ids: ["sip8-9.1", "186640"], caller: "5441000000", at: T0 + 60_000, durationSec: 40 }),
      ];
      const cards = [];
      for (const event of events) cards.push(call(await tracker.take("acme", event, { lookup })));
      expect(asked).toEqual([CALLER]);
      expect(new Set(cards.map((c) => c.cardId)).size).toBe(1);
      expect(cards.map((c) => c.contact?.name)).toEqual(["Ahmet Yılmaz", "Ahmet Yılmaz", "Ahmet Yılmaz"]);
      expect(cards[2]?.facts).toMatchObject({ state: "ended", agent: { queue: "Destek" }, ended: { durationSec: 40 } });
    });

    it("looks it up once when its events arrive together, and not at all when the routing step recognised it", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const { asked, lookup } = counting();
      const ids = ["7.7"];
      const taken = await Promise.all(
        ["ringing", "queued", "keys"].map((kind, i) =>
          tracker.take("acme", callEvent(kind as "ringing", { ids, caller: CALLER, at: T0 + i }), { lookup }),
        ),
      );
      expect(asked).toHaveLength(1);
      expect(new Set(taken.map((t) => call(t).cardId)).size).toBe(1);
      expect(taken.map((t) => call(t).contact?.id)).toEqual([AHMET.id, AHMET.id, AHMET.id]);
      await tracker.remember(routedCall({ callId: "r.1", caller: "+905329998877", contact: undefined }));
      await tracker.take("acme", callEvent("ringing", { ids: ["r.1"], caller: "+905329998877" }), { lookup });
      expect(asked).toHaveLength(1);
    });

    it("recognises the same event delivered twice, also at once, and keeps it once", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      await tracker.remember(routedCall({ callId: "5.5" }));
      const ring = callEvent("ringing", { ids: ["5.5"], caller: CALLER, key: "k-ring" });
      expect(await tracker.take("acme", ring)).toMatchObject({ duplicate: false });
      expect(await tracker.take("acme", { ...ring })).toEqual({ duplicate: true });
      const end = callEvent("ended", { ids: ["5.5"], durationSec: 30 }); // no key: the tracker derives one
      const both = await Promise.all([tracker.take("acme", end), tracker.take("acme", { ...end })]);
      expect(both.filter((t) => t.duplicate)).toHaveLength(1);
      const found = await tracker.find("acme", "5.5");
      expect(found?.events.map((e) => e.kind)).toEqual(["ringing", "ended"]);
      // the same content of another tenant is that tenant's own event
      expect(await tracker.take("other", { ...ring })).toMatchObject({ duplicate: false });
    });

    it("folds events delivered out of order: an end before the answer loses nothing, a late ring reopens nothing", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const cardId = await tracker.remember(routedCall({ callId: "3.3" }));
      const ids = ["3.3"];
      const ended = callEvent("ended", { ids, at: T0 + 90_000, durationSec: 75, disposition: "answered" });
      const answered = callEvent("answered", { ids, at: T0 + 15_000, extension: "102", waitSec: 9 });
      const ringing = callEvent("ringing", { ids, at: T0 + 5_000, extension: "101", caller: CALLER });
      expect(await tracker.take("acme", ended)).toMatchObject({ late: false, call: { facts: { state: "ended" } } });
      expect(await tracker.take("acme", answered)).toMatchObject({ late: true });
      const last = await tracker.take("acme", ringing);
      expect(last).toMatchObject({ match: "id", late: true });
      expect(call(last)).toMatchObject({
        cardId,
        facts: {
          state: "ended",
          agent: { extension: "102" }, // who answered, not who it first rang for
          ended: { durationSec: 75, waitSec: 9, disposition: "answered" },
        },
      });
    });

    it("puts a routing call remembered after its first event on that event's card", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const ring = callEvent("ringing", { ids: ["6.6"], caller: CALLER, at: T0 + 1_000 });
      const early = call(await tracker.take("acme", ring));
      const cardId = await tracker.remember(routedCall());
      expect(cardId).toBe(early.cardId);
      const end = await tracker.take("acme", callEvent("ended", { ids: ["1234567.213"], at: T0 + 30_000 }));
      expect(end).toMatchObject({ match: "id", call: { cardId, routed: { step: "welcome" }, contact: AHMET } });
    });

    it("remembers a second routing step of the call on the same card, with its route", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      const first = await tracker.remember(routedCall());
      const second = await tracker.remember(routedCall({ step: "musteri", at: T0 + 20_000, result: "queue" }));
      expect(second).toBe(first);
      expect((await tracker.get("acme", first))?.routed).toMatchObject({ step: "musteri", result: "queue" });
    });

    it("starts no call for an event with neither an id nor a caller", async () => {
      const tracker = new CallTracker({ store: makeStore() });
      expect(await tracker.take("acme", callEvent("queued", { queue: "Destek" }))).toEqual({
        duplicate: false,
        match: "none",
        late: false,
      });
    });

    it("does not mark an event taken when taking it failed, so a retry takes it", async () => {
      const store = makeStore();
      let failures = 1;
      const failing: CallStore = Object.create(store, {
        addEvent: {
          value: (...args: Parameters<CallStore["addEvent"]>) =>
            failures-- > 0 ? Promise.reject(new Error("store down")) : store.addEvent(...args),
        },
      });
      const tracker = new CallTracker({ store: failing });
      const ring = callEvent("ringing", { ids: ["4.4"], caller: CALLER, key: "k4" });
      await expect(tracker.take("acme", ring)).rejects.toThrow("store down");
      expect(await tracker.take("acme", ring)).toMatchObject({ duplicate: false, match: "id" });
    });
  });
}

describe("CallTracker: two hub nodes on one Redis", () => {
  it("correlates each other's calls, sees each other's duplicates, and looks up once between them", async () => {
    const shared = newPrefix();
    const nodeA = new CallTracker({ store: redisStore(HOUR, shared) });
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }); // node B's own connection
    try {
      const nodeB = new CallTracker({ store: redisStore(HOUR, shared, other) });
      const cardId = await nodeA.remember(routedCall());
      const ring = callEvent("ringing", { ids: ["1.1"], caller: CALLER, key: "ring-1" });
      expect(await nodeB.take("acme", ring)).toMatchObject({ match: "caller", call: { cardId, contact: AHMET } });
      expect(await nodeA.take("acme", ring)).toEqual({ duplicate: true });
      expect(await nodeA.take("acme", callEvent("ended", { ids: ["1.1"] }))).toMatchObject({ call: { cardId } });

      const { asked, lookup } = counting();
      const events = ["ringing", "queued", "answered", "keys"].map((kind, i) =>
        callEvent(kind as "ringing", { ids: ["2.2"], caller: "+905329998877", at: T0 + i }),
      );
      const taken = await Promise.all(events.map((e, i) => (i % 2 ? nodeA : nodeB).take("acme", e, { lookup })));
      expect(asked).toHaveLength(1);
      expect(new Set(taken.map((t) => call(t).cardId)).size).toBe(1);
      expect(taken.map((t) => call(t).contact?.id)).toEqual(events.map(() => AHMET.id));
    } finally {
      await other.quit();
    }
  });
});

describe("CallTracker forgets calls after its TTL", () => {
  it("in this process", async () => {
    let now = 1_000;
    const tracker = new CallTracker({
      store: new LocalCallStore({ ttlMs: 4 * HOUR, now: () => now }),
    });
    const cardId = await tracker.remember(routedCall());
    now += 3 * HOUR;
    expect(await tracker.get("acme", cardId)).toBeDefined();
    now += 2 * HOUR;
    expect(await tracker.get("acme", cardId)).toBeUndefined();
    const ring = await tracker.take("acme", callEvent("ringing", { ids: ["1234567.213"], caller: CALLER }));
    expect(ring).toMatchObject({ match: "new" });
  });

  it("in Redis", async () => {
    const tracker = new CallTracker({ store: redisStore(500) });
    const cardId = await tracker.remember(routedCall());
    expect(await tracker.get("acme", cardId)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await tracker.get("acme", cardId)).toBeUndefined();
    const ring = await tracker.take("acme", callEvent("ringing", { ids: ["1234567.213"], caller: CALLER }));
    expect(ring).toMatchObject({ match: "new" });
  });
});
