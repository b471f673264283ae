import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeApp, grantToken } from "./oauth.js";
import { FakeError, FakeOrg } from "./org.js";
import { runQuery } from "./soql.js";
import { runSearch } from "./sosl.js";

export type Kind = "token" | "search" | "query" | "describe" | "write";

/** One request the fake received; `q` is the decoded SOSL or SOQL, `grant` the OAuth grant type. */
export interface Received {
  kind: Kind | "other";
  path: string;
  q?: string;
  grant?: string;
}

/** An answer to send instead of the real one: a status and a body (JSON unless `contentType` says otherwise). */
export interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
}

/** The error answers Salesforce sends, as it sends them. */
export const ANSWERS = {
  sessionExpired: { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] },
  limitExceeded: {
    status: 403,
    body: [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }],
  },
  unavailable: {
    status: 503,
    body: [{ message: "Service temporarily unavailable", errorCode: "SERVER_UNAVAILABLE" }],
  },
  internalError: { status: 500, body: "<html><body>Internal Server Error</body></html>", contentType: "text/html" },
  apiDisabled: {
    status: 403,
    body: [{ message: "The REST API is not enabled for this Organization.", errorCode: "API_DISABLED_FOR_ORG" }],
  },
} satisfies Record<string, Answer>;

export interface FakeSalesforce {
  url: string;
  org: FakeOrg;
  app: FakeApp;
  received: Received[];
  /** How many requests of a kind arrived (a refused token grant counts too). */
  count(kind: Kind): number;
  /** The most requests of a kind in progress at once. */
  peak(kind: Kind): number;
  /** Every token issued so far is refused from now on: the next API call answers INVALID_SESSION_ID. */
  expireSessions(): void;
  /** While set, every API call answers INVALID_SESSION_ID, fresh tokens included (a revoked app policy). */
  refuseSessions: boolean;
  /** The next `times` requests of `kind` get `answer`. */
  fail(kind: Kind, answer: Answer, times?: number): void;
  /** Requests of `kind` wait until the returned function is called (for abort and concurrency tests). */
  hold(kind: Kind): () => void;
  close(): Promise<void>;
}

const API = /^\/services\/data\/v(\d+\.\d)\/(search|query|sobjects\/(\w+)\/describe)\/?$/;
// a record created (POST /sobjects/Task) or upserted by an external id (PATCH /sobjects/Task/<field>/<value>)
const WRITE = /^\/services\/data\/v(\d+\.\d)\/sobjects\/(\w+)(?:\/(\w+)\/([^/]+))?\/?$/;

/** A fake Salesforce org on 127.0.0.1 (a free port), speaking the REST and OAuth wire formats jsforce uses. */
export async function startFakeSalesforce(app: Partial<FakeApp> = {}): Promise<FakeSalesforce> {
  const org = new FakeOrg();
  const tokens = new Set<string>();
  const failures: { kind: Kind; answer: Answer }[] = [];
  const gates = new Map<Kind, { held: Promise<void>; release: () => void }>();
  const active = new Map<Kind, number>();
  const peaks = new Map<Kind, number>();
  const received: Received[] = [];
  const fullApp: FakeApp = {
    clientId: "3MVG9fake.client.id",
    clientSecret: "fake-client-secret",
    username: "santral@acme.example",
    audience: "https://login.salesforce.com",
    refreshToken: "5Aep861fake.refresh.token",
    ...app,
  };
  let url = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new URL(req.url ?? "/", url);
    const api = API.exec(at.pathname);
    const write = api ? null : WRITE.exec(at.pathname);
    const kind: Kind | "other" =
      req.method === "POST" && at.pathname === "/services/oauth2/token"
        ? "token"
        : api
          ? ((api[2]?.startsWith("sobjects") ? "describe" : api[2]) as Kind)
          : write && ((req.method === "POST" && !write[3]) || (req.method === "PATCH" && write[3]))
            ? "write"
            : "other";
    const body = await readBody(req);
    const seen: Received = { kind, path: at.pathname };
    if (kind === "token") seen.grant = new URLSearchParams(body).get("grant_type") ?? "";
    const q = at.searchParams.get("q");
    if (q !== null) seen.q = q;
    received.push(seen);
    if (kind === "other")
      return send(res, {
        status: 404,
        body: [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }],
      });
    active.set(kind, (active.get(kind) ?? 0) + 1);
    peaks.set(kind, Math.max(peaks.get(kind) ?? 0, active.get(kind) ?? 0));
    try {
      await gates.get(kind)?.held;
      const injected = failures.findIndex((f) => f.kind === kind);
      if (injected >= 0) return send(res, failures.splice(injected, 1)[0]?.answer ?? ANSWERS.unavailable);
      if (kind === "token") return send(res, grantToken(new URLSearchParams(body), fullApp, url, issue));
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || !tokens.has(bearer) || fake.refuseSessions) return send(res, ANSWERS.sessionExpired);
      const version = api?.[1] ?? "";
      if (kind === "search")
        return send(res, { status: 200, body: { searchRecords: runSearch(org, q ?? "", version) } });
      if (kind === "query") return send(res, { status: 200, body: runQuery(org, q ?? "", version) });
      if (kind === "write") return send(res, writeRecord(org, write?.[2] ?? "", body, write?.[3], write?.[4]));
      const def = org.describe(api?.[3] ?? "");
      if (!def)
        return send(res, {
          status: 404,
          body: [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }],
        });
      return send(res, {
        status: 200,
        body: { name: def.name, label: def.name, custom: def.name.endsWith("__c"), fields: def.fields },
      });
    } catch (error) {
      if (error instanceof FakeError) {
        return send(res, { status: error.status, body: [{ message: error.message, errorCode: error.errorCode }] });
      }
      throw error;
    } finally {
      active.set(kind, (active.get(kind) ?? 1) - 1);
    }
  }

  function issue(): string {
    const token = `00D5g000004FAKE!AR${randomBytes(24).toString("base64url")}`;
    tokens.add(token);
    return token;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, { status: 500, body: [{ errorCode: "UNKNOWN_EXCEPTION", message: String(error) }] }),
    );
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSalesforce = {
    url,
    org,
    app: fullApp,
    received,
    refuseSessions: false,
    count: (kind) => received.filter((r) => r.kind === kind).length,
    peak: (kind) => peaks.get(kind) ?? 0,
    expireSessions: () => tokens.clear(),
    fail(kind, answer, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ kind, answer });
    },
    hold(kind) {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      gates.set(kind, { held, release });
      return () => {
        if (gates.get(kind)?.held === held) gates.delete(kind);
        release();
      };
    },
    async close() {
      for (const gate of gates.values()) gate.release();
      gates.clear();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fake;
}

/** A create, or an upsert by external id, answered as the REST API answers them (201 with the id, or 204). */
function writeRecord(org: FakeOrg, object: string, body: string, idField?: string, idValue?: string): Answer {
  const def = org.describe(object);
  if (!def) throw new FakeError(404, "NOT_FOUND", "The requested resource does not exist");
  const values = JSON.parse(body || "{}") as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (!def.fields.some((f) => f.name === key)) {
      throw new FakeError(400, "INVALID_FIELD", `No such column '${key}' on sobject of type ${def.name}`);
    }
  }
  if (idField === undefined)
    return { status: 201, body: { id: org.insert(def.name, values), success: true, errors: [] } };
  const field = def.fields.find((f) => f.name.toLowerCase() === idField.toLowerCase());
  if (!field?.externalId) {
    throw new FakeError(404, "NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${idField}`);
  }
  const value = decodeURIComponent(idValue ?? "");
  const known = org.find(def.name, (row) => row[field.name] === value);
  if (known) {
    org.update(String(known.Id), values);
    return { status: 204, body: "", contentType: "application/json;charset=UTF-8" };
  }
  const id = org.insert(def.name, { ...values, [field.name]: value });
  return { status: 201, body: { id, success: true, errors: [], created: true } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  const json = answer.contentType === undefined;
  res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json;charset=UTF-8" });
  res.end(json ? JSON.stringify(answer.body) : String(answer.body));
}
