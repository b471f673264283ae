import type { Cluster, Redis } from "ioredis";
import type {
  AgentIdentity,
  AgentLinkInfo,
  AgentStore,
  ExchangeResult,
  LinkRefusal,
  RevokeTarget,
  StoredLink,
} from "./types.js";

/** Used, revoked and expired links stay listed this long, so `list` can say what became of them. */
const KEEP = 7 * 86_400_000;

// Checked and used in one step, so two nodes exchanging one link at once cannot both win. Every key of a
// tenant carries the tenant as its hash tag, so these scripts run on one Redis Cluster slot too.
const EXCHANGE = `
local id = redis.call('GET', KEYS[1])
if not id then return {'unknown'} end
local base = ARGV[3]
local lk = base .. 'link:' .. id
local f = redis.call('HMGET', lk, 'extension', 'queues', 'expiresAt', 'usedAt', 'revokedAt', 'sessionTtl')
if not f[1] then return {'unknown'} end
if f[5] then return {'revoked'} end
if f[4] then return {'used'} end
local now = tonumber(ARGV[1])
if tonumber(f[3]) <= now then return {'expired'} end
local ttl = tonumber(f[6])
redis.call('HSET', lk, 'usedAt', ARGV[1], 'session', ARGV[2])
redis.call('PEXPIRE', lk, ttl + tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[1], ttl + tonumber(ARGV[4]))
redis.call('SET', base .. 'session:' .. ARGV[2], id .. ' ' .. f[1] .. ' ' .. tostring(now + ttl) .. ' ' .. f[2], 'PX', ttl)
return {'ok', id, f[1], f[2], tostring(now + ttl)}
`;

const REVOKE = `
local base = ARGV[2]
local ids
if ARGV[3] == 'id' then ids = {ARGV[4]} else ids = redis.call('ZRANGE', KEYS[1], 0, -1) end
local n = 0
for _, id in ipairs(ids) do
  local lk = base .. 'link:' .. id
  local f = redis.call('HMGET', lk, 'extension', 'revokedAt', 'session')
  if f[1] and not f[2] and (ARGV[3] == 'id' or f[1] == ARGV[4]) then
    redis.call('HSET', lk, 'revokedAt', ARGV[1])
    if f[3] then redis.call('DEL', base .. 'session:' .. f[3]) end
    n = n + 1
  end
end
return n
`;

export interface RedisAgentStoreOptions {
  /** The hub's Redis connection (standalone, Sentinel or Cluster); the store never closes it. */
  client: Redis | Cluster;
  /** Put before every key, e.g. `santral:`. */
  prefix: string;
}

/** Links and sessions in Redis, shared by every hub node and the CLI. Sessions expire by Redis TTL. */
export class RedisAgentStore implements AgentStore {
  private readonly client: Redis | Cluster;
  private readonly prefix: string;

  constructor(options: RedisAgentStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
  }

  private base(tenant: string): string {
    return `${this.prefix}agent:{${tenant}}:`;
  }

  async addLink(link: StoredLink): Promise<void> {
    const base = this.base(link.tenant);
    const keep = link.expiresAt - link.createdAt + KEEP;
    await this.client
      .multi()
      .hset(`${base}link:${link.id}`, {
        extension: link.extension,
        queues: JSON.stringify(link.queues),
        createdAt: link.createdAt,
        expiresAt: link.expiresAt,
        sessionTtl: link.sessionTtl,
      })
      .pexpire(`${base}link:${link.id}`, keep)
      .set(`${base}token:${link.tokenHash}`, link.id, "PX", keep)
      .zadd(`${base}links`, link.createdAt, link.id)
      .exec()
      .then(failed);
  }

  async exchange(tenant: string, tokenHash: string, sessionHash: string, now: number): Promise<ExchangeResult> {
    const base = this.base(tenant);
    const reply = (await this.client.eval(
      EXCHANGE,
      1,
      `${base}token:${tokenHash}`,
      now,
      sessionHash,
      base,
      KEEP,
    )) as string[];
    const [status, linkId, extension, queues, expiresAt] = reply;
    if (status !== "ok") return { ok: false, reason: status as LinkRefusal };
    return {
      ok: true,
      identity: { tenant, extension: String(extension), queues: JSON.parse(String(queues)), linkId: String(linkId) },
      expiresAt: Number(expiresAt),
    };
  }

  async session(tenant: string, sessionHash: string, now: number): Promise<AgentIdentity | undefined> {
    // "<link id> <extension> <expires at> <queues as JSON>": one GET per check, and a revoke is one DEL
    const value = await this.client.get(`${this.base(tenant)}session:${sessionHash}`);
    if (!value) return undefined;
    const [linkId = "", extension = "", expiresAt = "0"] = value.split(" ", 3);
    if (Number(expiresAt) <= now) return undefined; // Redis expires it too; this keeps to the caller's clock
    const queues = JSON.parse(value.slice(linkId.length + extension.length + expiresAt.length + 3)) as string[];
    return { tenant, extension, queues, linkId };
  }

  async revoke(target: RevokeTarget, now: number): Promise<number> {
    const base = this.base(target.tenant);
    const [mode, value] = "linkId" in target ? ["id", target.linkId] : ["ext", target.extension];
    return Number(await this.client.eval(REVOKE, 1, `${base}links`, now, base, mode, value));
  }

  async list(tenant: string, _now: number): Promise<AgentLinkInfo[]> {
    const base = this.base(tenant);
    const ids = await this.client.zrevrange(`${base}links`, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hgetall(`${base}link:${id}`);
    const replies = failed(await pipeline.exec()) as Record<string, string>[];
    const links: AgentLinkInfo[] = [];
    const gone: string[] = [];
    for (const [i, id] of ids.entries()) {
      const f = replies[i];
      if (!f?.extension) {
        gone.push(id);
        continue;
      }
      links.push({
        id,
        tenant,
        extension: f.extension,
        queues: JSON.parse(f.queues ?? "[]"),
        createdAt: Number(f.createdAt),
        expiresAt: Number(f.expiresAt),
        ...(f.usedAt ? { usedAt: Number(f.usedAt) } : {}),
        ...(f.revokedAt ? { revokedAt: Number(f.revokedAt) } : {}),
      });
    }
    if (gone.length > 0) await this.client.zrem(`${base}links`, ...gone);
    return links;
  }
}

/** A MULTI or pipeline's replies, or its first command's error thrown. */
function failed(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error("redis: the transaction was discarded");
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, value]) => value);
}
