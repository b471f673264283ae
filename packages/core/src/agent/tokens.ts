import { createHash, randomBytes } from "node:crypto";

/** A secret for a link or a session: 32 random bytes, base64url (43 characters). Only its hash is stored. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A link's public id, for `list` and `revoke`: not a secret, short enough to type. */
export function newLinkId(): string {
  return randomBytes(6).toString("hex");
}

/** What the stores keep of a secret: its SHA-256, hex. A secret is 256 random bits, so no salt or KDF is needed. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A string that could be one of our secrets; anything else is refused before a store is asked. */
export function looksLikeSecret(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
