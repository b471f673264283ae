import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ALL_SCOPES, type Answer, FakeAccounts } from "./accounts.js";
import { ERRORS, GATEWAY_HTML } from "./errors.js";
import { search } from "./search.js";
import { FakeCalls, FakeStore, UNIQUE_CALL_PROPERTIES } from "./store.js";

export { ALL_SCOPES } from "./accounts.js";

export interface Owner {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** What the fake answers instead, for requests whose path matches (by default, the searches). */
export interface Fault {
  status: 400 | 429 | 500 | 502 | 503;
  /** A 400's message. */
  message?: string;
  /** How many requests it answers; default all. */
  times?: number;
  policy?: "SECONDLY" | "TEN_SECONDLY_ROLLING" | "DAILY";
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** A proxy's HTML page instead of HubSpot's JSON. */
  html?: boolean;
  path?: RegExp;
  /** Only for requests with this access token (one account's storm). */
  token?: string;
}

export interface Seen {
  method: string;
  path: string;
  token: string | undefined;
  /** Wall-clock ms, for HubSpot's per-second counts. */
  at: number;
  body: unknown;
}

const SEARCH = /^\/crm\/v3\/objects\/(contacts|companies)\/search$/;
const OWNER = /^\/crm\/v3\/owners\/(\d+)$/;
const UPSERT_CALLS = "/crm/v3/objects/calls/batch/upsert";
/** The call properties HubSpot defines (the ones the plugin writes), beside the account's own. */
const CALL_PROPERTIES = [
  "hs_timestamp",
  "hs_call_direction",
  "hs_call_duration",
  "hs_call_status",
  "hs_call_title",
  "hs_call_body",
  "hs_call_from_number",
  "hs_call_to_number",
  "hs_call_recording_url",
  "hubspot_owner_id",
];
const CREATE_CONTACT = "/crm/v3/objects/contacts";
const ASSOCIATE = /^\/crm\/v4\/objects\/calls\/(\d+)\/associations\/(contacts|companies)\/(\d+)$/;
export const ACCOUNT_DETAILS = "/account-info/v3/details";

/**
 * A small HubSpot on 127.0.0.1 for the tests, in HubSpot's wire format: CRM search, owners, OAuth
 * refresh and token info, account details, its error bodies, and the rate of searches each token sends
 * per second.
 */
export class FakeHubSpot {
  readonly store = new FakeStore();
  /** The call engagements written to the account. */
  readonly calls = new FakeCalls();
  readonly owners = new Map<string, Owner>();
  readonly seen: Seen[] = [];
  /** Requests the client gave up on before the answer (an aborted lookup). */
  dropped = 0;
  /** Milliseconds every answer waits (a slow HubSpot). */
  delayMs = 0;
  /**
   * HubSpot's secondly search limit, when set: a search arriving after this many of the same token's
   * within the last second (any second, as measured here) is answered HubSpot's 429 SECONDLY.
   */
  searchLimit: number | undefined;
  /** Searches answered 429 by `searchLimit`. */
  throttled = 0;
  /**
   * Milliseconds the first request on a new connection takes to arrive (a TLS handshake, a proxy), added
   * before it is counted; later requests on the same connection arrive at once.
   */
  newConnectionMs = 0;
  /**
   * The account every token belongs to, as `GET /account-info/v3/details` describes it: an EU-hosted one,
   * so that a link built from `uiDomain` differs from one that assumed app.hubspot.com.
   */
  readonly account = {
    portalId: 4242,
    accountType: "STANDARD",
    timeZone: "Europe/Istanbul",
    companyCurrency: "TRY",
    additionalCurrencies: ["EUR", "USD"],
    utcOffset: "+03:00",
    utcOffsetMilliseconds: 10_800_000,
    uiDomain: "app-eu1.hubspot.com",
    dataHostingLocation: "eu1",
  };
  private readonly connected = new WeakSet<object>();
  private readonly arrivals = new Map<string | undefined, number[]>();
  private readonly accounts = new FakeAccounts();
  private readonly faults: Fault[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeHubSpot> {
    let fake: FakeHubSpot | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    server.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    fake = new FakeHubSpot(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** A private app's access token, with its scopes. */
  privateApp(token: string, scopes = ALL_SCOPES): void {
    this.accounts.privateApp(token, scopes);
  }

  /** An installed OAuth app: its refresh token trades for access tokens living `lifetimeS`. */
  oauthApp(app: Parameters<FakeAccounts["oauthApp"]>[0]): void {
    this.accounts.oauthApp(app);
  }

  /** From now on `token` answers 401 EXPIRED_AUTHENTICATION, as HubSpot does past a token's lifetime. */
  expire(token: string): void {
    this.accounts.expire(token);
  }

  /** Access tokens issued by OAuth refreshes so far, in order. */
  issuedTokens(): string[] {
    return this.accounts.issuedTokens();
  }

  fault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  searches(token?: string): Seen[] {
    return this.seen.filter((s) => SEARCH.test(s.path) && (token === undefined || s.token === token));
  }

  /** The account details requests received, answered or not. */
  accountReads(): number {
    return this.seen.filter((s) => s.path === ACCOUNT_DETAILS).length;
  }

  /** The most searches `token` sent within one wall-clock second, HubSpot's unit for its secondly limit. */
  maxPerSecond(token?: string): number {
    const perSecond = new Map<number, number>();
    for (const s of this.searches(token))
      perSecond.set(Math.floor(s.at / 1000), (perSecond.get(Math.floor(s.at / 1000)) ?? 0) + 1);
    return Math.max(0, ...perSecond.values());
  }

  /** Counts a search arriving now; true when it is one more than `searchLimit` in the last second. */
  private overLimit(token: string | undefined): boolean {
    if (this.searchLimit === undefined) return false;
    const now = performance.now();
    const log = (this.arrivals.get(token) ?? []).filter((at) => at > now - 1000);
    log.push(now);
    this.arrivals.set(token, log);
    return log.length > this.searchLimit;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    if (this.newConnectionMs > 0 && !this.connected.has(req.socket)) {
      this.connected.add(req.socket);
      await new Promise((resolve) => setTimeout(resolve, this.newConnectionMs));
    }
    const raw = await read(req);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const body = parse(raw, req.headers["content-type"]);
    this.seen.push({ method: req.method ?? "", path: url.pathname, token, at: Date.now(), body });
    res.on("close", () => {
      if (!res.writableFinished) this.dropped++;
    });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (res.destroyed) return;
    const answer = this.answer(req.method ?? "GET", url.pathname, token, body);
    const headers: Record<string, string> = { "content-type": "application/json;charset=utf-8", ...answer.headers };
    if (typeof answer.body === "string") headers["content-type"] = "text/html";
    res.writeHead(answer.status, headers);
    res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  }

  /** `POST /crm/v3/objects/calls/batch/upsert`, answered as HubSpot answers it (`new` per result). */
  private upsertCalls(body: unknown): Answer {
    const inputs = (body as { inputs?: { idProperty?: string; id?: string; properties?: Record<string, string> }[] })
      ?.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) return { status: 400, body: ERRORS.validation("inputs: empty") };
    const results = [];
    for (const input of inputs) {
      const idProperty = input.idProperty ?? "hs_object_id";
      if (!UNIQUE_CALL_PROPERTIES.includes(idProperty)) {
        return {
          status: 400,
          body: ERRORS.validation(
            `Property ${idProperty} is not a unique identifier property; it cannot be used to upsert`,
          ),
        };
      }
      const unknown = Object.keys(input.properties ?? {}).find((p) => !CALL_PROPERTIES.includes(p) && p !== idProperty);
      if (unknown) return { status: 400, body: ERRORS.validation(`Property "${unknown}" does not exist`) };
      const url = input.properties?.hs_call_recording_url;
      if (url !== undefined && !url.startsWith("https://")) {
        return { status: 400, body: ERRORS.validation("hs_call_recording_url must be an https URL") };
      }
      const call = this.calls.upsert(idProperty, String(input.id), input.properties ?? {});
      results.push({
        id: call.id,
        properties: call.properties,
        createdAt: call.createdAt,
        updatedAt: call.updatedAt,
        archived: false,
        new: call.new,
      });
    }
    const now = new Date().toISOString();
    return { status: 200, body: { status: "COMPLETE", results, startedAt: now, completedAt: now } };
  }

  /** `POST /crm/v3/objects/contacts`: 201 with the new contact, its calculated phone properties derived. */
  private createContact(body: unknown): Answer {
    const properties = (body as { properties?: Record<string, string> } | undefined)?.properties ?? {};
    const now = new Date().toISOString();
    const record = this.store.add("contacts", properties, { createdAt: now });
    return {
      status: 201,
      body: { id: record.id, properties: record.properties, createdAt: now, updatedAt: now, archived: false },
    };
  }

  /** `PUT /crm/v4/objects/calls/{id}/associations/{type}/{toId}`: a call tied to a contact or a company. */
  private associate(path: string, body: unknown): Answer {
    const [, callId = "", type = "", toId = ""] = ASSOCIATE.exec(path) ?? [];
    const call = this.calls.all.find((c) => c.id === callId);
    const target = this.store.objects[type as "contacts" | "companies"]?.find((r) => r.id === toId);
    if (!call || !target) return { status: 404, body: ERRORS.notFound(`no ${call ? type : "call"} to associate`) };
    const typeId = Number((body as { associationTypeId?: unknown }[] | undefined)?.[0]?.associationTypeId);
    if (!call.associations.some((a) => a.type === type && a.id === toId)) {
      call.associations.push({ type: type as "contacts" | "companies", id: toId, typeId });
    }
    return {
      status: 201,
      body: {
        fromObjectTypeId: "0-48",
        fromObjectId: Number(callId),
        toObjectTypeId: type === "contacts" ? "0-1" : "0-2",
        toObjectId: Number(toId),
        labels: [],
      },
    };
  }

  private answer(method: string, path: string, token: string | undefined, body: unknown): Answer {
    const oauth = this.accounts.answer(method, path, body);
    if (oauth) return oauth;
    const writes =
      (method === "POST" && (path === UPSERT_CALLS || path === CREATE_CONTACT)) ||
      (method === "PUT" && ASSOCIATE.test(path));
    if (writes) {
      const refused = this.accounts.authenticate(token, "crm.objects.contacts.write");
      if (refused) return refused;
      const fault = this.faults.find((f) => (f.times ?? 1) > 0 && f.path?.test(path) && (f.token ?? token) === token);
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        return faultAnswer(fault);
      }
      if (path === CREATE_CONTACT) return this.createContact(body);
      return path === UPSERT_CALLS ? this.upsertCalls(body) : this.associate(path, body);
    }
    const object = SEARCH.exec(path)?.[1] as "contacts" | "companies" | undefined;
    const owner = OWNER.exec(path)?.[1];
    const details = method === "GET" && path === ACCOUNT_DETAILS;
    if (!(method === "POST" && object) && !(method === "GET" && owner) && !details) {
      return { status: 404, body: ERRORS.notFound(`no route ${method} ${path}`) };
    }
    // account details need a valid token, and no CRM scope
    const scope = object ? `crm.objects.${object}.read` : owner ? "crm.objects.owners.read" : undefined;
    const refused = this.accounts.authenticate(token, scope);
    if (refused) return refused;
    if (object && this.overLimit(token)) {
      this.throttled++;
      return { status: 429, body: ERRORS.rateLimit("SECONDLY") };
    }
    const fault = this.faults.find(
      (f) => (f.times ?? 1) > 0 && (f.path ?? SEARCH).test(path) && (f.token === undefined || f.token === token),
    );
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      return faultAnswer(fault);
    }
    if (object) return search(this.store, object, body);
    if (details) return { status: 200, body: { ...this.account } };
    const found = this.owners.get(owner ?? "");
    if (!found) return { status: 404, body: ERRORS.notFound(`Owner ${owner} not found`) };
    const times = { createdAt: "2023-01-01T00:00:00.000Z", updatedAt: "2024-01-01T00:00:00.000Z" };
    return {
      status: 200,
      body: { ...found, userId: Number(found.id) + 1, type: "PERSON", archived: false, teams: [], ...times },
    };
  }
}

function faultAnswer(fault: Fault): Answer {
  if (fault.html) return { status: fault.status, body: GATEWAY_HTML };
  if (fault.status === 400)
    return { status: 400, body: ERRORS.validation(fault.message ?? "There was a problem with the request.") };
  if (fault.status !== 429) return { status: fault.status, body: ERRORS.serverError() };
  const headers: Record<string, string> =
    fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) };
  return { status: 429, body: ERRORS.rateLimit(fault.policy ?? "SECONDLY"), headers };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

function parse(raw: string, type: string | undefined): unknown {
  if (raw === "") return undefined;
  if (type?.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
