// The hub as `pnpm start` runs it, on the config directory the bench wrote (CONFIG_DIR); FOLLOW=1 follows
// each call after its answer, as `santral-hub start` does.
import path from "node:path";
import { createApp, createLogger, Hub, loadHubConfig } from "@santral-hub/core";

const dir = process.env.CONFIG_DIR ?? "config";
const config = await loadHubConfig(dir);
const hub = await Hub.start({
  config,
  log: createLogger(config.log.level),
  resolveFrom: [path.resolve(import.meta.dirname, "../..")],
  follow: process.env.FOLLOW === "1",
});
createApp(hub).listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => process.exit(0));
process.on("SIGHUP", () => void hub.reload()); // as `santral-hub start` does
