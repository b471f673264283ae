import { hashSecret, looksLikeSecret, newLinkId, newSecret } from "./tokens.js";
import type { AgentIdentity, AgentLinkInfo, AgentStore, ExchangeResult, RevokeTarget } from "./types.js";

const DAY = 86_400_000;
/** The same rule as a tenant file's `id`. */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const EXTENSION = /^[0-9A-Za-z_+*#-]{1,32}$/;

/** Input an operator gave (`santral-hub agent link`) that cannot make a link: the message says what to change. */
export class AgentLinkError extends Error {
  override readonly name = "AgentLinkError";
}

export interface CreateLinkOptions {
  tenant: string;
  extension: string;
  /** Queues whose calls the agent sees too (matched ignoring case). */
  queues?: string[];
  /** How long the link can be exchanged, in ms. */
  ttl: number;
  /** How long the session it opens lasts, in ms; the store's default when absent. */
  sessionTtl?: number;
}

export interface NewLink {
  id: string;
  /** The one-time secret for the link's URL, `/t/<tenant>/agent?link=<token>`; shown once, never stored. */
  token: string;
  expiresAt: number;
}

export type SignIn =
  | { ok: true; session: string; identity: AgentIdentity; expiresAt: number }
  | Extract<ExchangeResult, { ok: false }>;

export interface AgentLinksOptions {
  /** The session an exchanged link opens lasts this long unless the link says otherwise; default 30 days. */
  sessionTtl?: number;
  now?: () => number;
}

/**
 * Personal sign-in links for agents and the sessions they open. A link's token is exchanged once for a
 * session secret (the cookie); both are random 256-bit values, stored only as SHA-256 hashes.
 */
export class AgentLinks {
  readonly sessionTtl: number;
  private readonly now: () => number;

  constructor(
    readonly store: AgentStore,
    options: AgentLinksOptions = {},
  ) {
    this.sessionTtl = options.sessionTtl ?? 30 * DAY;
    this.now = options.now ?? Date.now;
    checkTtl("sessionTtl", this.sessionTtl);
  }

  async createLink(options: CreateLinkOptions): Promise<NewLink> {
    const { tenant, ttl } = options;
    checkTenant(tenant);
    const extension = String(options.extension ?? "").trim();
    if (!EXTENSION.test(extension)) {
      throw new AgentLinkError(
        `extension "${extension}" is not valid: use the agent's extension number, e.g. 101 (letters, digits, _ + * # -, up to 32)`,
      );
    }
    const queues = [...new Set((options.queues ?? []).map((q) => String(q).trim()))];
    for (const queue of queues) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (queue === "" || queue.length > 64 || /[\u0000-\u001f\u007f]/.test(queue)) {
        throw new AgentLinkError(
          `queue "${queue}" is not valid: use the queue's name as in the panel, up to 64 characters`,
        );
      }
    }
    checkTtl("ttl", ttl);
    const sessionTtl = options.sessionTtl ?? this.sessionTtl;
    checkTtl("sessionTtl", sessionTtl);
    const token = newSecret();
    const now = this.now();
    const link = { id: newLinkId(), tenant, extension, queues, createdAt: now, expiresAt: now + ttl };
    await this.store.addLink({ ...link, tokenHash: hashSecret(token), sessionTtl });
    return { id: link.id, token, expiresAt: link.expiresAt };
  }

  /** Uses a link's token once: the session secret to put in the cookie, or why the link was refused. */
  async exchange(tenant: string, token: unknown): Promise<SignIn> {
    if (!TENANT_ID.test(tenant) || !looksLikeSecret(token)) return { ok: false, reason: "unknown" };
    const session = newSecret();
    const result = await this.store.exchange(tenant, hashSecret(token), hashSecret(session), this.now());
    return result.ok ? { ...result, session } : result;
  }

  /** The agent a session secret (the cookie's value) belongs to, while it is live and of this tenant. */
  async session(tenant: string, secret: unknown): Promise<AgentIdentity | undefined> {
    if (!TENANT_ID.test(tenant) || !looksLikeSecret(secret)) return undefined;
    const identity = await this.store.session(tenant, hashSecret(secret), this.now());
    return identity?.tenant === tenant ? identity : undefined;
  }

  /** Revokes a link by id, or every link of an extension, and ends their sessions at once; the count revoked. */
  async revoke(target: RevokeTarget): Promise<number> {
    checkTenant(target.tenant);
    return this.store.revoke(target, this.now());
  }

  list(tenant: string): Promise<AgentLinkInfo[]> {
    checkTenant(tenant);
    return this.store.list(tenant, this.now());
  }
}

function checkTenant(tenant: string): void {
  if (typeof tenant !== "string" || !TENANT_ID.test(tenant)) {
    throw new AgentLinkError(`tenant "${tenant}" is not a tenant id: use the name of its file in tenants/, e.g. acme`);
  }
}

function checkTtl(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 1000 || ms > 366 * DAY) {
    throw new AgentLinkError(`${name} ${ms} is out of range: give milliseconds between 1000 (1 s) and one year`);
  }
}
