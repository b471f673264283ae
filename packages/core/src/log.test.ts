import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, LineBatch, maskNumber } from "./log.js";

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

describe("LineBatch", () => {
  it("hands lines on in order, in one write per batch, and keeps nothing back after a flush", () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text: string) => writes.push(text) }, 30);
    batch.write("one 123456\n");
    batch.write("two 123456\n");
    expect(writes).toEqual([]); // 22 characters: under the batch size, held
    batch.write("three 1234\n");
    expect(writes).toEqual(["one 123456\ntwo 123456\nthree 1234\n"]);
    batch.write("four\n");
    batch.flush();
    batch.flush(); // nothing pending: no empty write
    expect(writes).toEqual(["one 123456\ntwo 123456\nthree 1234\n", "four\n"]);
  });

  it("flushes through to a file for pino's logger.flush(done), as shutdown does", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "santral-log-"));
    const file = path.join(dir, "hub.log");
    const destination = pino.destination({ dest: file, sync: false });
    await once(destination, "ready");
    const log = pino({ base: null, timestamp: false }, new LineBatch(destination));
    log.info("stopping");
    await new Promise<void>((resolve, reject) => log.flush((error) => (error ? reject(error) : resolve())));
    expect(await readFile(file, "utf8")).toBe('{"level":30,"msg":"stopping"}\n');
    await rm(dir, { recursive: true, force: true });
  });

  it("carries a JSON logger's lines whole", () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text: string) => writes.push(text) });
    const log = pino({ base: null, timestamp: false }, batch);
    log.info({ tenant: "demo" }, "call");
    log.warn("slow");
    batch.flush();
    expect(writes.join("").split("\n")).toEqual([
      '{"level":30,"tenant":"demo","msg":"call"}',
      '{"level":40,"msg":"slow"}',
      "",
    ]);
  });
});
