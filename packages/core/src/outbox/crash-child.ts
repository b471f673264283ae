// Run by the outbox's restart tests in a process of its own, which they kill mid-run. Not part of core.
// argv: "sqlite" <file> | "redis" <prefix>
import { RedisOutbox } from "./redis-outbox.js";
import { SqliteOutbox } from "./sqlite-outbox.js";

const [backend, where = ""] = process.argv.slice(2);
const outbox =
  backend === "sqlite"
    ? new SqliteOutbox({ file: where, leaseMs: 300 })
    : new RedisOutbox({
        connection: { url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
        prefix: where,
        lockMs: 500,
        stalledIntervalMs: 200,
      });
outbox.work("crash", async () => {
  process.stdout.write("running\n");
  await new Promise(() => {}); // until the test kills this process
});
setInterval(() => {}, 1000); // the outbox's own timers do not keep a process alive
