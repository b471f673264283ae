import type Database from "better-sqlite3";
import type { AgentIdentity, AgentLinkInfo, AgentStore, ExchangeResult, RevokeTarget, StoredLink } from "./types.js";

/** Used, revoked and expired links stay listed this long, so `list` can say what became of them. */
const KEEP = 7 * 86_400_000;

interface LinkRow {
  id: string;
  tenant: string;
  extension: string;
  queues: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  session_ttl: number;
}

/**
 * Links and sessions in a SQLite file, the embedded default: the hub and `santral-hub agent link` (another
 * process) share the file. The caller owns the Database; WAL mode suits two processes on one file.
 */
export class SqliteAgentStore implements AgentStore {
  private readonly sql;

  constructor(private readonly db: Database.Database) {
    if (db.pragma("busy_timeout", { simple: true }) === 0) db.pragma("busy_timeout = 5000");
    db.exec(`
      CREATE TABLE IF NOT EXISTS agent_links (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, extension TEXT NOT NULL, queues TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, session_ttl INTEGER NOT NULL, created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, used_at INTEGER, revoked_at INTEGER);
      CREATE INDEX IF NOT EXISTS agent_links_extension ON agent_links (tenant, extension);
      CREATE TABLE IF NOT EXISTS agent_sessions (
        hash TEXT PRIMARY KEY, link_id TEXT NOT NULL, tenant TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS agent_sessions_link ON agent_sessions (link_id);
    `);
    this.sql = {
      insert: db.prepare(
        `INSERT INTO agent_links (id, tenant, extension, queues, token_hash, session_ttl, created_at, expires_at)
         VALUES (@id, @tenant, @extension, @queues, @tokenHash, @sessionTtl, @createdAt, @expiresAt)`,
      ),
      byToken: db.prepare<[string, string], LinkRow>("SELECT * FROM agent_links WHERE tenant = ? AND token_hash = ?"),
      use: db.prepare("UPDATE agent_links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL"),
      open: db.prepare("INSERT INTO agent_sessions (hash, link_id, tenant, expires_at) VALUES (?, ?, ?, ?)"),
      session: db.prepare<[string, string, number], LinkRow>(
        `SELECT l.* FROM agent_sessions s JOIN agent_links l ON l.id = s.link_id
         WHERE s.hash = ? AND s.tenant = ? AND s.expires_at > ? AND l.revoked_at IS NULL`,
      ),
      revokeId: db.prepare<[number, string, string], { id: string }>(
        "UPDATE agent_links SET revoked_at = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL RETURNING id",
      ),
      revokeExtension: db.prepare<[number, string, string], { id: string }>(
        "UPDATE agent_links SET revoked_at = ? WHERE tenant = ? AND extension = ? AND revoked_at IS NULL RETURNING id",
      ),
      end: db.prepare("DELETE FROM agent_sessions WHERE link_id = ?"),
      list: db.prepare<[string], LinkRow>("SELECT * FROM agent_links WHERE tenant = ? ORDER BY created_at DESC, id"),
      pruneSessions: db.prepare("DELETE FROM agent_sessions WHERE expires_at <= ?"),
      pruneLinks: db.prepare(
        `DELETE FROM agent_links WHERE expires_at <= @before
         AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.link_id = agent_links.id AND s.expires_at > @now)`,
      ),
    };
  }

  async addLink(link: StoredLink): Promise<void> {
    const now = link.createdAt;
    this.db.transaction(() => {
      this.sql.pruneSessions.run(now);
      this.sql.pruneLinks.run({ before: now - KEEP, now });
      this.sql.insert.run({ ...link, queues: JSON.stringify(link.queues) });
    })();
  }

  async exchange(tenant: string, tokenHash: string, sessionHash: string, now: number): Promise<ExchangeResult> {
    // IMMEDIATE: takes the write lock before reading, so another process cannot use the link in between
    return this.db
      .transaction((): ExchangeResult => {
        const row = this.sql.byToken.get(tenant, tokenHash);
        if (!row) return { ok: false, reason: "unknown" };
        if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
        if (row.used_at !== null) return { ok: false, reason: "used" };
        if (row.expires_at <= now) return { ok: false, reason: "expired" };
        if (this.sql.use.run(now, row.id).changes !== 1) return { ok: false, reason: "used" };
        const expiresAt = now + row.session_ttl;
        this.sql.open.run(sessionHash, row.id, tenant, expiresAt);
        return { ok: true, identity: identityOf(row), expiresAt };
      })
      .immediate();
  }

  async session(tenant: string, sessionHash: string, now: number): Promise<AgentIdentity | undefined> {
    const row = this.sql.session.get(sessionHash, tenant, now);
    return row ? identityOf(row) : undefined;
  }

  async revoke(target: RevokeTarget, now: number): Promise<number> {
    return this.db
      .transaction(() => {
        const rows =
          "linkId" in target
            ? this.sql.revokeId.all(now, target.tenant, target.linkId)
            : this.sql.revokeExtension.all(now, target.tenant, target.extension);
        for (const { id } of rows) this.sql.end.run(id);
        return rows.length;
      })
      .immediate();
  }

  async list(tenant: string, _now: number): Promise<AgentLinkInfo[]> {
    return this.sql.list.all(tenant).map((row) => ({
      id: row.id,
      tenant: row.tenant,
      extension: row.extension,
      queues: JSON.parse(row.queues) as string[],
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      ...(row.used_at === null ? {} : { usedAt: row.used_at }),
      ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    }));
  }
}

function identityOf(row: LinkRow): AgentIdentity {
  return { tenant: row.tenant, extension: row.extension, queues: JSON.parse(row.queues) as string[], linkId: row.id };
}
