import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleCall, FORMATS, type RunningHub, sendCall, startHub } from "./helpers/hub.js";

// Wednesday 2026-11-25 11:00 in Istanbul (UTC+3): office hours. 21:00 is after hours.
const OFFICE_HOURS = new Date("2026-11-25T08:00:00Z");
const AFTER_HOURS = new Date("2026-11-25T18:00:00Z");

let hub: RunningHub;
let now = OFFICE_HOURS;
beforeAll(async () => {
  hub = await startHub({ now: () => now });
});
afterAll(() => hub.close());

describe("the documentation's example call on the demo tenant", () => {
  for (const format of FORMATS) {
    it(`routes the VIP caller to their representative with a masked greeting (${format})`, async () => {
      const res = await sendCall(`${hub.url}/t/demo`, format, exampleCall());
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        status: "success",
        result: "extensions",
        redirect: "101",
        data: "Sayın A** Y** hoş geldiniz, sizi temsilciniz Zeynep Demir ile görüştürüyorum.",
      });
    });
  }

  it("answers the same at /call, finding the tenant by the called number in any Turkish form", async () => {
    for (const called of ["8503030303", "08503030303", "908503030303", "+90 850 303 03 03"]) {
      const res = await sendCall(`${hub.url}/call`, "json", exampleCall({ aranan_no: called }));
      expect(await res.json()).toMatchObject({ status: "success", result: "extensions", redirect: "101" });
    }
  });
});

describe("routing on the demo tenant", () => {
  it("sends a known caller to the sales queue, re-casing a name stored in capitals", async () => {
    const res = await sendCall(`${hub.url}/t/demo`, "json", exampleCall({ arayan_no: "05321234567" }));
    expect(await res.json()).toEqual({
      status: "success",
      result: "queue",
      redirect: "satis",
      data: "Sayın Ş** Ç** hoş geldiniz.",
    });
  });

  it("recognises a caller whose + arrived as a space in a GET query", async () => {
    const res = await fetch(`${hub.url}/t/demo?arayan_no=+905051234567&token=demo-token-2026`);
    expect(await res.json()).toMatchObject({ result: "queue", data: "Sayın M** D** hoş geldiniz." });
  });

  it("gives an unknown caller the tenant's own code during office hours", async () => {
    now = OFFICE_HOURS;
    const res = await sendCall(`${hub.url}/t/demo`, "form", exampleCall({ arayan_no: "05999999999" }));
    expect(await res.json()).toEqual({
      status: "success",
      result: "2",
      data: "Hoş geldiniz. Müşteri numaranızı tuşlayınız.",
    });
  });

  it("plays the after-hours announcement to an unknown caller in the evening", async () => {
    now = AFTER_HOURS;
    const res = await sendCall(`${hub.url}/t/demo`, "form", exampleCall({ arayan_no: "05999999999" }));
    now = OFFICE_HOURS;
    expect(await res.json()).toEqual({ status: "success", result: "announcement", redirect: "mesaidisi" });
  });

  it("treats a withheld number as unknown", async () => {
    const res = await sendCall(`${hub.url}/t/demo`, "json", exampleCall({ arayan_no: "anonymous" }));
    expect(await res.json()).toMatchObject({ status: "success", result: "2" });
  });

  it("looks up the customer number the caller typed at the second step", async () => {
    const known = await sendCall(
      `${hub.url}/t/demo/musteri`,
      "xml",
      exampleCall({ arayan_no: "", tus_bilgisi: "10002" }),
    );
    expect(await known.json()).toEqual({
      status: "success",
      result: "1",
      data: "Sayın A** K**, müşteri numaranız doğrulandı.",
    });
    const vip = await sendCall(`${hub.url}/t/demo/musteri`, "get", exampleCall({ tus_bilgisi: "10003" }));
    expect(await vip.json()).toMatchObject({ result: "extensions", redirect: "102" });
    const unknown = await sendCall(`${hub.url}/t/demo/musteri`, "json", exampleCall({ tus_bilgisi: "99999" }));
    expect(await unknown.json()).toEqual({ status: "success", result: "3", data: "Müşteri numaranız bulunamadı." });
    const none = await sendCall(`${hub.url}/t/demo/musteri`, "json", exampleCall({ tus_bilgisi: "-1" }));
    expect(await none.json()).toMatchObject({ result: "3" });
  });
});
