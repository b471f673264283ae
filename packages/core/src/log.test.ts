import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskNumber } from "./log.js";

describe("createLogger", () => {
  it("writes one readable line per entry for a terminal", async () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (chunk) => {
      text += chunk;
    });
    const log = createLogger("info", { pretty: true, stream });
    log.info({ callId: "1.2", tenant: "demo", caller: maskNumber("+905441000000"), ms: 3 }, "call");
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO <\+90544\*{5}00>: call \{"callId":"1\.2","tenant":"demo","ms":3\}\n$/,
    );
  });
});
