import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type BatchDestination, createLogger, LineBatch, maskNumber } from "./log.js";

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
    const batch = new LineBatch({ write: (chunk: Buffer) => writes.push(chunk.toString()) }, 100);
    const lines = ["one", "two", "three", "four", "five", "six", "seven"].map((n) => `${n.padEnd(10, ".")}\n`);
    for (const line of lines) batch.write(line);
    expect(writes).toEqual([]); // 77 bytes: held
    batch.write("eight.....\n"); // might not fit (a character may take 3 bytes): the seven go first
    expect(writes).toEqual([lines.join("")]);
    batch.write(`${"ş".repeat(40)}\n`); // longer than a batch could ever hold: on its own, after what is held
    batch.write("Gülşen\n");
    batch.flush();
    batch.flush(); // nothing pending: no empty write
    expect(writes).toEqual([lines.join(""), "eight.....\n", `${"ş".repeat(40)}\n`, "Gülşen\n"]);
  });

  it("flushes through to a file for pino's logger.flush(done), as shutdown does", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "santral-log-"));
    const file = path.join(dir, "hub.log");
    const destination = pino.destination({ dest: file, sync: false, contentMode: "buffer" });
    await once(destination, "ready");
    const log = pino({ base: null, timestamp: false }, new LineBatch(destination as unknown as BatchDestination));
    log.info("stopping: Gülşen");
    await new Promise<void>((resolve, reject) => log.flush((error) => (error ? reject(error) : resolve())));
    expect(await readFile(file, "utf8")).toBe('{"level":30,"msg":"stopping: Gülşen"}\n');
    await rm(dir, { recursive: true, force: true });
  });

  it("carries a JSON logger's lines whole", () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (chunk: Buffer) => writes.push(chunk.toString()) });
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
