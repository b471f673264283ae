import type { ObjectType } from "./objects.js";
import { raceSignal } from "./signals.js";

/** What the link needs from `GET /account-info/v3/details`: the account's id and its web app's domain. */
export interface Account {
  portalId: number;
  /** `app.hubspot.com`, `app-eu1.hubspot.com`: where the account's data is hosted decides it. */
  uiDomain: string;
}

/** HubSpot's object type ids (the CRM guide's table), which its record pages are addressed by. */
const TYPE_IDS: Record<ObjectType, string> = { contacts: "0-1", companies: "0-2" };

const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/** The account from account-info's answer, or undefined when it lacks a usable portal id or domain. */
export function accountOf(body: unknown): Account | undefined {
  const { portalId, uiDomain } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof portalId !== "number" || !Number.isSafeInteger(portalId) || portalId <= 0) return undefined;
  if (typeof uiDomain !== "string" || !HOST.test(uiDomain)) return undefined;
  return { portalId, uiDomain: uiDomain.toLowerCase() };
}

/** A record's page in HubSpot: `https://<uiDomain>/contacts/<portalId>/record/<objectTypeId>/<id>`. */
export function recordPage(account: Account, type: ObjectType, id: string): string | undefined {
  if (!/^\d+$/.test(id)) return undefined;
  return `https://${account.uiDomain}/contacts/${account.portalId}/record/${TYPE_IDS[type]}/${id}`;
}

/**
 * The account's details, read once per adapter: concurrent callers share one request, which is tied to
 * no caller's signal (one giving up does not cut it for the others). A failed read is not kept, so a
 * later call asks again.
 */
export class AccountDetails {
  private known: Account | undefined;
  private pending: Promise<Account> | undefined;

  constructor(private readonly read: () => Promise<Account>) {}

  async get(signal: AbortSignal): Promise<Account> {
    signal.throwIfAborted();
    if (this.known) return this.known;
    this.pending ??= this.read()
      .then((account) => {
        this.known = account;
        return account;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return raceSignal(this.pending, signal);
  }
}
