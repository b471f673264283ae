import path from "node:path";
import { loadHubConfig } from "./hub/config.js";
import { Hub } from "./hub/hub.js";
import { createLogger } from "./log.js";
import { createApp } from "./server.js";

/** `pnpm start`: the hub on `config/` (or CONFIG_DIR), port 3000 (or PORT). */
const configDir = path.resolve(process.env.CONFIG_DIR ?? "config");
const config = await loadHubConfig(configDir);
const log = createLogger(config.log.level);
const hub = await Hub.start({ config, log });
const server = createApp(hub).listen(config.listen.port, config.listen.host, () => {
  log.info({ url: `http://${config.listen.host}:${config.listen.port}`, config: configDir }, "santral-hub listening");
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close(() => void hub.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
