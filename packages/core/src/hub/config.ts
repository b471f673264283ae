import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { interpolateEnv, MissingEnvError } from "../tenants/env.js";
import { rateLimitSchema } from "../tenants/fields.js";

/** Where `/metrics` is served by default: OpenTelemetry's Prometheus exporter port, on loopback only. */
export const METRICS_PORT = 9464;

/**
 * How long a client may take, and how many may be connected at once. A PBX sends its small request at once,
 * so a few seconds is plenty; without these, a trickled request held a socket for minutes, and enough of them
 * used up the file descriptors every tenant's calls need.
 */
const CONNECTIONS = { max: 10_000, headersTimeout: 5000, requestTimeout: 10_000, keepAliveTimeout: 5000 };
const connectionsSchema = z
  .object({
    max: z
      .number()
      .int()
      .min(1)
      .default(CONNECTIONS.max)
      .describe("open connections at most; lowered at start to stay under the file-descriptor limit"),
    headersTimeout: z
      .number()
      .int()
      .min(100)
      .default(CONNECTIONS.headersTimeout)
      .describe("ms for a request's headers"),
    requestTimeout: z.number().int().min(100).default(CONNECTIONS.requestTimeout).describe("ms for a whole request"),
    keepAliveTimeout: z
      .number()
      .int()
      .min(0)
      .default(CONNECTIONS.keepAliveTimeout)
      .describe("ms an idle connection stays"),
  })
  .strict()
  .refine((c) => c.headersTimeout <= c.requestTimeout, {
    message: "headersTimeout must not be longer than requestTimeout (the whole request includes its headers)",
  })
  .default(CONNECTIONS);

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
        downAfter: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe("redis: failed commands within 10 s after which Redis is not asked until a probe answers"),
        probe: z.number().int().min(100).default(1000).describe("redis: while it is down, ms between probes (PING)"),
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
      .default({
        backend: "memory",
        maxEntries: 100_000,
        commandTimeout: 100,
        downAfter: 3,
        probe: 1000,
        lock: 3000,
        wait: 1000,
      }),
    log: z
      .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
      .strict()
      .default({ level: "info" }),
    metrics: z
      .object({
        port: z
          .union([z.number().int().min(0).max(65535), z.literal("call")], {
            error: 'write a port number (0 to 65535) or "call" (on the call port)',
          })
          .default(METRICS_PORT)
          .describe('/metrics on a port of its own (0: a free one), or "call": on the call port'),
        host: z.string().default("127.0.0.1").describe("address the metrics port listens on: loopback unless set"),
        token: z.string().min(16).optional().describe("require Authorization: Bearer <token> on /metrics"),
      })
      .strict()
      .default({ port: METRICS_PORT, host: "127.0.0.1" }),
    connections: connectionsSchema,
    // A guard against a panel caught in a loop, not a quota: no real tenant's number reaches it (a surge of
    // a few hundred callers at once is a TV advert, and must be routed); past it calls get the fallback.
    rateLimit: rateLimitSchema
      .default({ perSecond: 100, burst: 500 })
      .describe("calls per second per tenant (a tenant file may set its own); past it, the fallback; 0: unlimited"),
    shutdown: z
      .object({
        grace: z.number().int().min(0).default(10_000).describe("ms the calls in flight get to finish on SIGTERM"),
      })
      .strict()
      .default({ grace: 10_000 }),
    publicUrl: z
      .url({ protocol: /^https?$/, error: "write the hub's address as agents reach it: https://hub.example.com" })
      .optional()
      .describe("the hub's address as agents and the panel reach it, for the links the CLI prints"),
    state: z
      .object({
        dir: z
          .string()
          .default("state")
          .describe("where the embedded default keeps its files (outbox, agents' links), relative to this file"),
      })
      .strict()
      .default({ dir: "state" }),
    events: z
      .object({
        window: ms(600_000).describe("an event finds its routing call by caller this long after it was answered"),
        skew: ms(120_000).describe("how far the PBX's clock may run behind the hub's"),
      })
      .strict()
      .default({ window: 600_000, skew: 120_000 }),
    outbox: z
      .object({
        retryFirst: ms(1000).describe("the first retry of a failed delivery waits this long, then twice as long"),
        retryMax: ms(900_000).describe("the longest wait between two tries"),
        giveUpAfter: ms(86_400_000).describe("a delivery still failing this long after it was queued is kept as dead"),
      })
      .strict()
      .default({ retryFirst: 1000, retryMax: 900_000, giveUpAfter: 86_400_000 }),
    agent: z
      .object({
        linkTtl: ms(7 * 86_400_000).describe("an agent's sign-in link can be used this long"),
        sessionTtl: ms(30 * 86_400_000).describe("the session a link opens lasts this long"),
      })
      .strict()
      .default({ linkTtl: 7 * 86_400_000, sessionTtl: 30 * 86_400_000 }),
    reload: z
      .object({
        watch: z.boolean().default(true).describe("reload tenant files when they change (SIGHUP always does)"),
        debounce: z.number().int().min(0).max(10_000).default(200).describe("ms of quiet before a reload"),
      })
      .strict()
      .default({ watch: true, debounce: 200 }),
  })
  .strict();

/** A duration in ms, at least 1. */
function ms(fallback: number) {
  return z.number().int().min(1, "write a number of milliseconds").default(fallback);
}

export type HubConfig = z.output<typeof hubSchema> & {
  dir: string;
  tenantsDir: string;
  /** `state.dir`, resolved. */
  stateDir: string;
};

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
  if (env.METRICS_PORT) {
    const port = Number(env.METRICS_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`METRICS_PORT="${env.METRICS_PORT}" is not a port number`);
    }
    config.metrics.port = port;
  }
  if (env.REDIS_URL) Object.assign(config.cache, { backend: "redis", url: env.REDIS_URL });
  if (env.LOG_LEVEL) config.log.level = env.LOG_LEVEL as HubConfig["log"]["level"];
  if (env.SANTRAL_STATE_DIR) config.state.dir = env.SANTRAL_STATE_DIR;
  return {
    ...config,
    dir,
    tenantsDir: path.resolve(dir, config.tenants),
    stateDir: path.resolve(dir, config.state.dir),
  };
}
