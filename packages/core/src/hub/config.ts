import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { interpolateEnv, MissingEnvError } from "../tenants/env.js";
import { rateLimitSchema } from "../tenants/fields.js";

const hubSchema = z
  .object({
    listen: z
      .object({
        host: z.string().default("0.0.0.0").describe("address to listen on"),
        port: z.number().int().min(0).max(65535).default(3000).describe("port; the PORT variable overrides it"),
      })
      .strict()
      .default({ host: "0.0.0.0", port: 3000 }),
    tenants: z.string().default("tenants").describe("directory of tenant files, relative to this file"),
    limits: z
      .object({ body: z.number().int().min(1024).max(1048576).default(65536).describe("max request body, bytes") })
      .strict()
      .default({ body: 65536 }),
    cache: z
      .object({
        backend: z
          .enum(["memory", "redis"])
          .default("memory")
          .describe("memory: this process; redis: shared by every node"),
        maxEntries: z.number().int().min(100).default(100_000).describe("memory: the most entries kept (LRU)"),
        url: z.string().optional().describe("redis: redis://host:port for a standalone server; REDIS_URL overrides it"),
        sentinel: z
          .object({ name: z.string(), nodes: z.array(z.string()).min(1), password: z.string().optional() })
          .strict()
          .optional()
          .describe("redis: a Sentinel group: its master's name and the sentinels' host:port"),
        cluster: z
          .object({ nodes: z.array(z.string()).min(1) })
          .strict()
          .optional()
          .describe("redis: a Redis Cluster's seed nodes, host:port"),
        commandTimeout: z.number().int().min(5).max(5000).default(100).describe("redis: ms before a command gives up"),
        lock: z
          .number()
          .int()
          .min(100)
          .default(3000)
          .describe("ms one node may hold the lock on a key it is looking up"),
        wait: z
          .number()
          .int()
          .min(0)
          .default(1000)
          .describe("ms other nodes wait for that answer before asking the CRM"),
      })
      .strict()
      .default({ backend: "memory", maxEntries: 100_000, commandTimeout: 100, lock: 3000, wait: 1000 }),
    log: z
      .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
      .strict()
      .default({ level: "info" }),
    metrics: z
      .object({
        port: z.number().int().min(1).max(65535).optional().describe("serve /metrics on this port instead"),
        token: z.string().min(16).optional().describe("require Authorization: Bearer <token> on /metrics"),
      })
      .strict()
      .default({}),
    rateLimit: rateLimitSchema
      .default({ perSecond: 20, burst: 40 })
      .describe("calls per second per tenant (a tenant file may set its own); 0: unlimited"),
    shutdown: z
      .object({
        grace: z.number().int().min(0).default(10_000).describe("ms the calls in flight get to finish on SIGTERM"),
      })
      .strict()
      .default({ grace: 10_000 }),
    reload: z
      .object({
        watch: z.boolean().default(true).describe("reload tenant files when they change (SIGHUP always does)"),
        debounce: z.number().int().min(0).max(10_000).default(200).describe("ms of quiet before a reload"),
      })
      .strict()
      .default({ watch: true, debounce: 200 }),
  })
  .strict();

export type HubConfig = z.output<typeof hubSchema> & { dir: string; tenantsDir: string };

/** Reads `hub.yaml` from the config directory; a missing file means every default. */
export async function loadHubConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<HubConfig> {
  const file = path.join(dir, "hub.yaml");
  let raw: unknown = {};
  try {
    raw = parseYaml(await readFile(file, "utf8")) ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${file}: ${(error as Error).message}`);
  }
  try {
    raw = interpolateEnv(raw, env); // a metrics token or a Redis password stays in the environment
  } catch (error) {
    if (!(error instanceof MissingEnvError)) throw error;
    throw new Error(`${file}: ${error.message}`);
  }
  const parsed = hubSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
    throw new Error(`${file}: ${issues}`);
  }
  const config = parsed.data;
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT="${env.PORT}" is not a port number`);
    config.listen.port = port;
  }
  if (env.REDIS_URL) Object.assign(config.cache, { backend: "redis", url: env.REDIS_URL });
  if (env.LOG_LEVEL) config.log.level = env.LOG_LEVEL as HubConfig["log"]["level"];
  return { ...config, dir, tenantsDir: path.resolve(dir, config.tenants) };
}
