import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CallLog } from "../call-log.js";
import type { Contact } from "../contact.js";
import { isCrmError } from "../errors.js";
import type { CrmAdapter, Logger } from "../plugin.js";
import { caller, ids, type Suite, withAdapter } from "./harness.js";
import { CONFORMANCE_NUMBERS as N } from "./records.js";
import type { CallLogOptions } from "./types.js";

/**
 * Writing calls into the CRM's history: optional, so the cases are there only for a plugin that declares
 * `capabilities.callLog` (and then `testPlugin()` must be given `callLog`, to read what was written).
 */
export function callLogTests(suite: Suite, options: CallLogOptions<unknown> | undefined): void {
  if (suite.plugin.capabilities.callLog !== true) return;
  describe("logCall()", () => {
    it("is given what it needs: testPlugin() has callLog options and the adapter has logCall()", () => {
      expect(options, "capabilities.callLog is declared: pass testPlugin() its callLog options").toBeDefined();
    });
    if (!options) return;
    const writing = async <T>(fn: (adapter: CrmAdapter, contact: Contact, log: Logger) => Promise<T>) =>
      withAdapter(
        suite,
        async ({ adapter, log, lookup }) => {
          expect(adapter.logCall, "capabilities.callLog is declared: the adapter has logCall()").toBeTypeOf("function");
          const contact = (await lookup({ phone: caller(N.plain) })).find((c) => ids([c])[0] === "form-trunk");
          expect(contact, "the record stored as 05441000000 is found").toBeDefined();
          return fn(adapter, contact as Contact, log);
        },
        await options.config(suite.config()),
      );

    it("logCall() writes an answered call once on the recognised record, with its length and recording", async () => {
      const call = callOf({ durationSec: 42, recordingUrl: "https://records.example/rec/1.mp3" });
      const { logged, onContact } = await writing(async (adapter, contact, log) => ({
        logged: await write(adapter, call, contact, log),
        onContact: contact.id,
      }));
      expect(typeof logged.id === "string" && logged.id.length > 0, "logCall() gives the record's id").toBe(true);
      expect(logged.created, "a first write creates the record").toBe(true);
      const written = await options.written(call.id);
      expect(written, "one record for the call").toHaveLength(1);
      expect(written[0]).toMatchObject({ answered: true, durationSec: 42 });
      expect(written[0]?.contactId, "the record is on the recognised contact").toBe(onContact);
      if (written[0]?.recordingUrl !== undefined) expect(written[0].recordingUrl).toBe(call.recordingUrl);
    });

    it("logCall() run again for the same call, or twice at once, still leaves one record, and says so", async () => {
      const call = callOf({ durationSec: 7 });
      const [first, second, again] = await writing(async (adapter, contact, log) => {
        const both = await Promise.all([write(adapter, call, contact, log), write(adapter, call, contact, log)]);
        return [...both, await write(adapter, call, contact, log)];
      });
      expect(await options.written(call.id), "one record, however often logCall() ran").toHaveLength(1);
      expect(new Set([first?.id, second?.id, again?.id]).size, "every run names the same record").toBe(1);
      expect(again?.created, "the run after the record exists finds it").toBe(false);
    });

    it("logCall() writes a missed call as missed, with no length", async () => {
      const call = callOf({ answered: false, durationSec: 0 });
      await writing((adapter, contact, log) => write(adapter, call, contact, log));
      const written = await options.written(call.id);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ answered: false, durationSec: 0 });
    });

    it("logCall() rejects at once with an aborted signal, writing nothing", async () => {
      const call = callOf();
      const outcome = await writing(async (adapter, contact, log) => {
        const controller = new AbortController();
        controller.abort(new Error("the hub gave up"));
        return adapter.logCall?.(call, contact, { signal: controller.signal, log }).then(
          () => "resolved",
          () => "rejected",
        );
      });
      expect(outcome, "an aborted logCall() rejects").toBe("rejected");
      expect(await options.written(call.id)).toHaveLength(0);
    });

    it.runIf(suite.plugin.capabilities.createContact === true)(
      "createContact() makes a record lookup() then finds by the number, and logCall() writes the call on it",
      async () => {
        const national = `53${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
        const phone = caller(`0${national}`);
        const call = callOf({ caller: phone, answered: false, durationSec: 0 });
        const { created, found } = await withAdapter(
          suite,
          async ({ adapter, log, lookup }) => {
            expect(adapter.createContact, "capabilities.createContact: the adapter has createContact()").toBeTypeOf(
              "function",
            );
            const created = await adapter.createContact?.(phone, { signal: new AbortController().signal, log });
            if (!created) throw new Error("createContact() gave nothing");
            const found = await lookup({ phone });
            await write(adapter, call, created, log);
            return { created, found };
          },
          await options.config(suite.config()),
        );
        expect(created.source).toBe(suite.plugin.name);
        expect(typeof created.id === "string" && created.id.length > 0, "the new record has an id").toBe(true);
        expect(
          found.map((c) => c.id),
          "lookup() finds the new record by the caller's number",
        ).toContain(created.id);
        const written = await options.written(call.id);
        expect(written).toHaveLength(1);
        expect(written[0]).toMatchObject({ answered: false, contactId: created.id });
      },
    );

    const refusing = options.refusing;
    it.runIf(refusing !== undefined)(
      "logCall() rejects with a CrmError when the CRM refuses or is down, never resolving",
      async () => {
        const config = await refusing?.(suite.config());
        const call = callOf();
        const error = await withAdapter(
          suite,
          async ({ adapter, log }) => {
            const contact: Contact = { id: "form-trunk", source: suite.plugin.name, phones: [N.plain], fields: {} };
            return adapter.logCall?.(call, contact, { signal: new AbortController().signal, log }).then(
              () => undefined,
              (e: unknown) => e,
            );
          },
          config,
        );
        expect(isCrmError(error), `logCall() rejected with a CrmError, not ${String(error)}`).toBe(true);
      },
    );
  });
}

function write(adapter: CrmAdapter, call: CallLog, contact: Contact, log: Logger) {
  const logCall = adapter.logCall;
  if (!logCall) throw new Error("the adapter has no logCall()");
  return logCall.call(adapter, call, contact, { signal: new AbortController().signal, log });
}

/** A call of the kit's caller, ended; a fresh id each time, so the cases never see each other's records. */
function callOf(overrides: Partial<CallLog> = {}): CallLog {
  return {
    id: randomUUID(),
    pbxIds: ["1733140000.4242"],
    direction: "inbound",
    caller: caller(N.plain),
    called: "+908503030303",
    startedAt: "2026-12-02T07:00:00.000Z",
    durationSec: 30,
    answered: true,
    agent: { extension: "101", name: "Zeynep Demir" },
    queue: "satis",
    route: { step: "welcome", result: "extensions", redirect: "101", reason: "rule 1 of step welcome matched: vip" },
    title: "Gelen arama",
    body: "Arayan: 0544 100 00 00 · 42 sn · dahili 101",
    ...overrides,
  };
}
