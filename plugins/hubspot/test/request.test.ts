import { isCrmError } from "@santral-hub/sdk";
import { describe, expect, it } from "vitest";
import { AnsweredWindow } from "../src/answered-window.js";
import { send } from "../src/request.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

describe("one HubSpot request", () => {
  it("ends at requestTimeout with a timeout even when the client never settles it, and frees its slot", async () => {
    const window = new AnsweredWindow();
    const options = {
      auth: { type: "privateApp" as const, token: async () => "pat", invalidate: () => false },
      limits: { search: { local: window }, other: { local: window } },
      rates: { search: 1, other: 1 },
      retry: { maxWait: 0, attempts: 0 },
      requestTimeout: 100,
      log: quiet,
    };
    const started = performance.now();
    const error = await send(
      options,
      "create call",
      "other",
      new AbortController().signal,
      () => new Promise(() => {}),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCrmError(error) && error.kind).toBe("timeout");
    expect((error as Error).message).toBe("hubspot: create call: no answer within requestTimeout (100 ms)");
    expect(performance.now() - started).toBeLessThan(1000);
    // the slot is counted as a request HubSpot may yet see, then freed: the next one goes within the second
    const next = await send(options, "create call", "other", new AbortController().signal, async () => "ok");
    expect(next).toBe("ok");
  });
});
