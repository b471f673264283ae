import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Client } from "@hubspot/api-client";
import { abortableOptions } from "./abortable.js";
import { fromAnswer } from "./failure.js";
import type { ObjectType } from "./objects.js";
import { type Account, accountOf } from "./record-url.js";
import { raceSignal } from "./signals.js";

export interface Filter {
  propertyName: string;
  operator: "EQ" | "IN";
  value?: string;
  values?: string[];
}

/** A search request as HubSpot reads it (`POST /crm/v3/objects/{object}/search`). */
export interface SearchBody {
  filterGroups: { filters: Filter[] }[];
  properties: string[];
  sorts: { propertyName: string; direction: "ASCENDING" | "DESCENDING" }[];
  limit: number;
}

export interface Found {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresInS: number;
}

/**
 * The few HubSpot calls the plugin makes, through @hubspot/api-client, each abortable by its signal.
 * The client's own retries and Bottleneck limiter stay off: its retry waits without a signal and its
 * limiter is per process, while ours are shared (see request.ts).
 */
export class HubSpotApi {
  private readonly agent: HttpAgent;
  private current: { token: string; client: Client } | undefined;
  /** For the OAuth endpoints, which take no access token. */
  private readonly anonymous: Client;

  constructor(private readonly baseUrl: string) {
    const base = baseUrl.replace(/\/+$/, "");
    this.baseUrl = base;
    this.agent = base.startsWith("https:") ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.anonymous = new Client({ basePath: base });
  }

  async search(object: ObjectType, body: SearchBody, token: string, signal: AbortSignal): Promise<Found[]> {
    const crm = this.client(token).crm;
    const options = abortableOptions(this.agent, signal);
    // the client types `sorts` as strings and its filter operator as an enum per object; HubSpot reads
    // the objects and strings sent here
    const page =
      object === "contacts"
        ? await crm.contacts.searchApi.doSearch(body as never, options)
        : await crm.companies.searchApi.doSearch(body as never, options);
    return page.results;
  }

  /**
   * Creates or updates one call engagement by a unique property (`POST /crm/v3/objects/calls/batch/upsert`):
   * HubSpot keys it on `idProperty`, so writing one call twice leaves one call. Returns its id and whether
   * this write created it.
   */
  async upsertCall(
    idProperty: string,
    id: string,
    properties: Record<string, string>,
    token: string,
    signal: AbortSignal,
  ): Promise<{ id: string; created: boolean }> {
    const answer = await this.client(token).crm.objects.calls.batchApi.upsert(
      { inputs: [{ idProperty, id, properties }] },
      abortableOptions(this.agent, signal),
    );
    const [result] = answer.results;
    if (!result) throw new Error("HubSpot's upsert answered no call");
    return { id: result.id, created: result._new };
  }

  /** Creates a contact with these properties (`POST /crm/v3/objects/contacts`); returns its id. */
  async createContact(properties: Record<string, string>, token: string, signal: AbortSignal): Promise<string> {
    const created = await this.client(token).crm.contacts.basicApi.create(
      { properties, associations: [] },
      abortableOptions(this.agent, signal),
    );
    return created.id;
  }

  /** Associates a call with a contact (type 194) or a company (182); a PUT, so doing it again changes nothing. */
  async associateCall(callId: string, to: ObjectType, toId: string, token: string, signal: AbortSignal) {
    await this.client(token).crm.associations.v4.basicApi.create(
      "calls",
      callId,
      to,
      toId,
      [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: to === "contacts" ? 194 : 182 }],
      abortableOptions(this.agent, signal),
    );
  }

  /** The owner's names, or undefined when HubSpot has no such owner. */
  async owner(id: string, token: string, signal: AbortSignal) {
    try {
      const owner = await this.client(token).crm.owners.ownersApi.getById(
        Number(id),
        "id",
        false,
        abortableOptions(this.agent, signal),
      );
      return { firstName: owner.firstName, lastName: owner.lastName };
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw error;
    }
  }

  async refresh(auth: { clientId: string; clientSecret: string; refreshToken: string }, signal: AbortSignal) {
    const answer = await this.anonymous.oauth.tokensApi.create(
      "refresh_token",
      undefined,
      undefined,
      auth.clientId,
      auth.clientSecret,
      auth.refreshToken,
      abortableOptions(this.agent, signal),
    );
    const tokens: Tokens = { accessToken: answer.accessToken, expiresInS: Number(answer.expiresIn) || 1800 };
    if (answer.refreshToken) tokens.refreshToken = answer.refreshToken;
    return tokens;
  }

  /**
   * The scopes granted to a token, or undefined when HubSpot will not say. OAuth tokens through the
   * client's access-token API; a private app's through `private-apps/get/access-token-info`, which the
   * client lacks (and which no HubSpot page confirmed here: a 404 means "cannot tell", not a failure).
   */
  async scopes(token: string, kind: "privateApp" | "oauth", signal: AbortSignal): Promise<string[] | undefined> {
    if (kind === "oauth") {
      const info = await this.anonymous.oauth.accessTokensApi.get(token, abortableOptions(this.agent, signal));
      return info.scopes;
    }
    // `apiRequest` has no agent hook: the request is left to finish, the caller is not kept waiting
    const answer = await raceSignal(
      this.client(token).apiRequest({
        method: "POST",
        path: "/oauth/v2/private-apps/get/access-token-info",
        body: { tokenKey: token },
      }),
      signal,
    );
    if (answer.status === 404) return undefined;
    const body = (await answer.json().catch(() => ({}))) as { scopes?: unknown };
    if (!answer.ok) throw refusal(answer, body);
    return Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === "string") : [];
  }

  /**
   * The account's portal id and web app domain, from `GET /account-info/v3/details`, which the client has
   * no typed API for: `apiRequest` again, so an aborted read is dropped, not torn down.
   */
  async account(token: string, signal: AbortSignal): Promise<Account> {
    signal.throwIfAborted();
    const read = async () => {
      const answer = await this.client(token).apiRequest({ method: "GET", path: "/account-info/v3/details" });
      const body: unknown = await answer.json().catch(() => undefined);
      if (!answer.ok) throw refusal(answer, body);
      const account = accountOf(body);
      // no status on the error: a 200 without a portal id or a domain is an answer that could not be read
      if (!account) throw new Error("HubSpot's account details hold no portalId or uiDomain");
      return account;
    };
    return raceSignal(read(), signal);
  }

  close(): void {
    this.agent.destroy();
  }

  /** One client per access token: an OAuth refresh swaps it, while requests under the old one finish. */
  private client(token: string): Client {
    if (this.current?.token !== token) {
      this.current = { token, client: new Client({ basePath: this.baseUrl, accessToken: token }) };
    }
    return this.current.client;
  }
}

/** An error answer of `apiRequest` as the error the client's typed APIs throw would be read (see failure.ts). */
function refusal(answer: Awaited<ReturnType<Client["apiRequest"]>>, body: unknown) {
  const headers = Object.fromEntries(answer.headers.entries());
  return Object.assign(new Error(`HubSpot answered ${answer.status}`), {
    failure: fromAnswer(answer.status, body, headers),
  });
}
