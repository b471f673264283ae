import { describe, expect, it } from "vitest";
import { Limiter } from "../src/limiter.js";

/** A task that runs until its release is called, noting when it started. */
function held(started: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    task: async () => {
      started.push(name);
      await done;
    },
    release: () => release(),
  };
}

const live = () => new AbortController().signal;

describe("the org's limiter", () => {
  it("keeps a slot for lookups while call logs run, and starts waiting lookups before waiting call logs", async () => {
    const limiter = new Limiter(2);
    const started: string[] = [];
    const logs = [held(started, "log 1"), held(started, "log 2")];
    const runs = logs.map((l) => limiter.run(live(), l.task, { background: true }));
    await Promise.resolve();
    expect(started).toEqual(["log 1"]); // the second log waits: one slot stays free for a caller
    const lookups = [held(started, "lookup 1"), held(started, "lookup 2")];
    const looked = lookups.map((l) => limiter.run(live(), l.task));
    await Promise.resolve();
    expect(started).toEqual(["log 1", "lookup 1"]);
    logs[0]?.release();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(["log 1", "lookup 1", "lookup 2"]); // the waiting lookup goes before the waiting log
    for (const l of lookups) l.release();
    await Promise.all(looked);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(["log 1", "lookup 1", "lookup 2", "log 2"]);
    logs[1]?.release();
    await runs[1];
  });
});
