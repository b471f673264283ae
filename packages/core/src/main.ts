import path from "node:path";
import { runHub } from "./run/run-hub.js";

/** The hub on `config/` (or CONFIG_DIR), port 3000 (or PORT); `santral-hub start` is the same with options. */
const running = await runHub({ configDir: path.resolve(process.env.CONFIG_DIR ?? "config") });
await running.closed;
