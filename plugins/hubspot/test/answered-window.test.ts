import { describe, expect, it } from "vitest";
import { AnsweredWindow } from "../src/answered-window.js";

const live = () => new AbortController().signal;

describe("the account's window, with call logs in the background", () => {
  it("gives call logs half the limit, and a waiting lookup the next free slot before them", async () => {
    let now = 0;
    const window = new AnsweredWindow(() => now);
    const order: string[] = [];
    const take = (name: string, background = false) =>
      window.acquire(4, live(), { background }).then((slot) => {
        order.push(name);
        return slot;
      });
    const logs = [await take("log 1", true), await take("log 2", true)];
    const third = take("log 3", true); // over the call logs' half: waits though two slots are free
    await Promise.resolve();
    expect(order).toEqual(["log 1", "log 2"]);
    const lookups = [await take("owner 1"), await take("owner 2")]; // the rest of the limit is the lookups'
    const waiting = take("owner 3");
    await Promise.resolve();
    expect(order).toEqual(["log 1", "log 2", "owner 1", "owner 2"]);
    for (const slot of [...logs, ...lookups]) slot.done("answered");
    await Promise.resolve();
    expect(order, "the window is full: nobody more this second").toHaveLength(4);
    now += 1001; // the answers leave the second (the window wakes on its own timer, in a second of real time)
    await waiting;
    await third;
    expect(order).toEqual(["log 1", "log 2", "owner 1", "owner 2", "owner 3", "log 3"]);
  });
});
