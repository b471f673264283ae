import { type CallLogOptions, testPlugin } from "@santral-hub/sdk/testing";
import { plugin } from "../src/index.js";
import type { FakeSalesforce } from "./fake/server.js";
import { type ConfigInput, downConfig, fakeConfig, fakeWith } from "./fixtures.js";

/**
 * The kit twice: with an external id field on Task (the call's Task is upserted by it) and without one (its
 * CallObject is searched first). Each reads the Tasks back from the fake org.
 */
for (const externalId of ["Santral_Call_Id__c", undefined]) {
  let fake: FakeSalesforce | undefined;
  const tasks = (callId: string) =>
    (fake?.org.all("Task") ?? []).filter((t) => (externalId ? t[externalId] : t.CallObject) === callId);
  const callLog: CallLogOptions<ConfigInput> = {
    config: (config) => ({ ...config, callLog: externalId ? { externalId } : {} }),
    // a field that is no external id: Salesforce answers NOT_FOUND, which no retry mends
    refusing: (config) => ({ ...config, callLog: { externalId: "Subject" } }),
    written: async (callId) =>
      tasks(callId).map((t) => ({
        answered: t.CallDisposition === "Answered",
        durationSec: Number(t.CallDurationInSeconds),
        contactId: (t.WhoId ?? t.WhatId ?? null) as string | null,
      })),
  };
  testPlugin({
    plugin,
    seed: async (records) => {
      fake = await fakeWith(records);
      const started = fake;
      return { config: fakeConfig(started), cleanup: () => started.close() };
    },
    unavailable: downConfig,
    callLog,
  });
}
