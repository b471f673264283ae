import { describe, expect, it } from "vitest";
import { compileTemplate } from "../speech/template.js";
import { buildCard, displayPhone } from "./card.js";
import { AHMET, callEvent, routedCall, T0 } from "./fixture.js";
import { LocalCallStore } from "./local-store.js";
import { CallTracker, type TrackedCall } from "./tracker.js";
import type { PbxCallEvent, RoutedCall } from "./types.js";

/** The call as the tracker has it after these events of a routing call (or of none). */
async function tracked(routed: RoutedCall | undefined, ...events: PbxCallEvent[]): Promise<TrackedCall> {
  const tracker = new CallTracker({ store: new LocalCallStore({ ttlMs: 3_600_000 }) });
  if (routed) await tracker.remember(routed);
  let last: TrackedCall | undefined;
  for (const event of events) {
    const taken = await tracker.take("acme", event, { lookup: async () => AHMET });
    if (!taken.duplicate && taken.call) last = taken.call;
  }
  if (!last) throw new Error("no event was correlated");
  return last;
}

const IDS = ["1234567.213"];

describe("buildCard", () => {
  it("shows the routing step's contact unmasked, VIP, owner, the route and why, and the caller in national form", async () => {
    const ring = callEvent("ringing", { ids: IDS, caller: "905441000000", direction: "inbound" });
    const card = await buildCard(await tracked(routedCall(), ring), ring);
    expect(card).toMatchObject({
      tenant: "acme",
      pbxIds: ["1234567.213"],
      event: "ringing",
      state: "ringing",
      at: ring.at,
      direction: "inbound",
      caller: { e164: "+905441000000", display: "0544 100 00 00" },
      contact: { id: AHMET.id, name: "Ahmet Yılmaz", vip: true, owner: { name: "Zeynep Demir", extension: "101" } },
      route: { step: "welcome", rule: 0, result: "extensions", redirect: "101", reason: "rule 1 matched: vip" },
      agent: { extension: "101" },
    });
    expect(card.link).toBeUndefined();
    expect(card.ended).toBeUndefined();
  });

  it("gives the call to the queue it was routed to, and to the extension an event names over the route", async () => {
    const routed = routedCall({ result: "queue", redirect: "satis" });
    const ring = callEvent("ringing", { ids: IDS });
    expect((await buildCard(await tracked(routed, ring), ring)).agent).toEqual({ queue: "satis" });
    const answer = callEvent("answered", { ids: IDS, extension: "205", at: T0 + 9_000 });
    expect((await buildCard(await tracked(routed, ring, answer), answer)).agent).toEqual({ extension: "205" });
  });

  it("says how the call ended, and stays ended for a late ring", async () => {
    const end = callEvent("ended", {
      ids: IDS,
      at: T0 + 80_000,
      durationSec: 64,
      disposition: "answered",
      recordingUrl: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=1",
    });
    const late = callEvent("ringing", { ids: IDS, at: T0 + 4_000 });
    const card = await buildCard(await tracked(routedCall(), end, late), late);
    expect(card).toMatchObject({ event: "ringing", state: "ended" });
    expect(card.ended).toEqual({
      durationSec: 64,
      disposition: "answered",
      recordingUrl: "https://dosyaindir.netgsm.com.tr/upload.php?tip=1&q=1",
    });
  });

  it("builds the card of a call that never passed a routing step from its lookup, with no route", async () => {
    const ring = callEvent("ringing", { ids: ["8.8"], caller: "05441000000", extension: "103" });
    const card = await buildCard(await tracked(undefined, ring), ring);
    expect(card).toMatchObject({ contact: { name: "Ahmet Yılmaz" }, agent: { extension: "103" }, state: "ringing" });
    expect(card.route).toBeUndefined();
  });

  it("renders the tenant's card.link with every value URL-encoded", async () => {
    const link = compileTemplate(
      "https://crm.example/musteri/{{ contact.id }}?tel={{ call.caller }}&n={{ contact.name }}",
    );
    const ring = callEvent("ringing", { ids: IDS });
    const card = await buildCard(await tracked(routedCall(), ring), ring, { link });
    expect(card.link).toBe("https://crm.example/musteri/003%2F%C3%84%20b%3Fx?tel=05441000000&n=Ahmet%20Y%C4%B1lmaz");
  });

  it("takes the plugin's record URL first, and the template when it fails, hangs or gives no web link", async () => {
    const link = compileTemplate("https://crm.example/{{ contact.id }}");
    const ring = callEvent("ringing", { ids: IDS });
    const call = await tracked(routedCall(), ring);
    const plugin = async () => "https://acme.lightning.force.com/lightning/r/Contact/003/view";
    expect((await buildCard(call, ring, { link, recordUrl: plugin })).link).toBe(
      "https://acme.lightning.force.com/lightning/r/Contact/003/view",
    );
    const fallback = "https://crm.example/003%2F%C3%84%20b%3Fx";
    const failing = async () => Promise.reject(new Error("portal unknown"));
    expect((await buildCard(call, ring, { link, recordUrl: failing })).link).toBe(fallback);
    const hanging = () => new Promise<string>(() => {});
    expect((await buildCard(call, ring, { link, recordUrl: hanging, linkTimeoutMs: 50 })).link).toBe(fallback);
    const script = async () => "javascript:alert(1)";
    expect((await buildCard(call, ring, { link, recordUrl: script })).link).toBe(fallback);
  });

  it("gives no link when the template renders no web URL or fails on the contact's data", async () => {
    const ring = callEvent("ringing", { ids: IDS });
    const call = await tracked(routedCall(), ring);
    expect((await buildCard(call, ring, { link: compileTemplate("{{ contact.id }}") })).link).toBeUndefined();
    const heavy = compileTemplate("https://x.example/{% for t in contact.tags %}{{ t }}{% endfor %}");
    const tagged = { ...call, contact: { ...AHMET, tags: Array.from({ length: 600 }, (_, i) => `t${i}`) } };
    expect((await buildCard(tagged, ring, { link: heavy })).link).toBeUndefined();
  });
});

describe("displayPhone", () => {
  it("shows a number of the tenant's region in national form, another in E.164", () => {
    expect(displayPhone("+905441000000")).toBe("0544 100 00 00");
    expect(displayPhone("+902129998877")).toBe("0212 999 88 77");
    expect(displayPhone("+4915112345678")).toBe("+4915112345678");
  });
});
