import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DeliveryError, deliver } from "./deliver.js";
import { verifySignature } from "./signature.js";

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A tenant's receiver on a loopback port; `respond` decides each answer, `received` keeps each request. */
let server: Server;
let base: string;
let received: Received[] = [];
let respond: (req: Received, res: ServerResponse) => void = (_req, res) => res.writeHead(204).end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      respond(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  received = [];
  respond = (_req, res) => res.writeHead(204).end();
  vi.useRealTimers();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const SECRET = "whsec_acme_7f3a";
const BODY = JSON.stringify({ event: "call.ringing", card: { name: "Şükrü Çelik", caller: "+905321234567" } });
const DELIVERY = { body: BODY, idempotencyKey: "call-8f2e:ringing", event: "call.ringing" };

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("delivering a webhook", () => {
  it("POSTs the body with its headers, signed so the receiver verifies it", async () => {
    const result = await deliver({ url: `${base}/hooks/santral?tenant=acme`, secret: SECRET }, DELIVERY);
    expect(result.status).toBe(204);
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/hooks/santral?tenant=acme");
    expect(req?.body).toBe(BODY);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["user-agent"]).toBe("santral-hub");
    expect(req?.headers["idempotency-key"]).toBe("call-8f2e:ringing");
    expect(req?.headers["x-santral-event"]).toBe("call.ringing");
    const header = String(req?.headers["x-santral-signature"]);
    expect(verifySignature(header, req?.body ?? "", SECRET)).toBe(true);
    expect(verifySignature(header, req?.body ?? "", "whsec_other")).toBe(false);
  });

  it("signs each try afresh, so a retry hours later is within the receiver's tolerance", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T09:00:00Z"));
    await deliver({ url: base, secret: SECRET }, DELIVERY);
    vi.setSystemTime(new Date("2026-01-01T12:00:00Z"));
    await deliver({ url: base, secret: SECRET }, DELIVERY);
    const [first, second] = received.map((r) => String(r.headers["x-santral-signature"]));
    const t = (h = "") => Number(/^t=(\d+),/.exec(h)?.[1]);
    expect(t(second) - t(first)).toBe(3 * 3600);
    expect(verifySignature(second ?? "", BODY, SECRET)).toBe(true);
    expect(verifySignature(first ?? "", BODY, SECRET)).toBe(false); // three hours old
    expect(received.map((r) => r.headers["idempotency-key"])).toEqual([
      DELIVERY.idempotencyKey,
      DELIVERY.idempotencyKey,
    ]);
  });

  it("throws a retryable error on a 500, naming the status but not the body", async () => {
    respond = (_req, res) => res.writeHead(500, { "Content-Type": "text/plain" }).end("database is down");
    const error = await failure(deliver({ url: `${base}/hook?token=s3cret`, secret: SECRET }, DELIVERY));
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(500);
    expect(error.message).toBe(`${new URL(base).host} answered 500`);
    for (const hidden of ["Şükrü", "+905321234567", "s3cret", "database is down"]) {
      expect(error.message).not.toContain(hidden);
    }
  });

  it("retries what may pass later (408, 409, 429, 503) and not what will be refused again (4xx)", async () => {
    const outcomes: Record<number, boolean> = {};
    for (const status of [408, 409, 429, 503, 400, 401, 403, 404, 410, 422]) {
      respond = (_req, res) => res.writeHead(status).end();
      outcomes[status] = (await failure(deliver({ url: base, secret: SECRET }, DELIVERY))).retryable;
    }
    expect(outcomes).toEqual({
      408: true,
      409: true,
      429: true,
      503: true,
      400: false,
      401: false,
      403: false,
      404: false,
      410: false,
      422: false,
    });
  });

  it("gives up on a slow receiver after timeoutMs, retryably", async () => {
    respond = (_req, res) => {
      setTimeout(() => res.writeHead(200).end(), 2000).unref();
    };
    const started = Date.now();
    const error = await failure(deliver({ url: base, secret: SECRET, timeoutMs: 200 }, DELIVERY));
    const took = Date.now() - started;
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/did not answer within 200 ms/);
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1500);
  });

  it("does not follow a redirect, and says so", async () => {
    respond = (req, res) => {
      if (req.path === "/old") res.writeHead(302, { Location: `${base}/new` }).end();
      else res.writeHead(200).end();
    };
    const error = await failure(deliver({ url: `${base}/old`, secret: SECRET }, DELIVERY));
    expect(received.map((r) => r.path)).toEqual(["/old"]);
    expect(error.status).toBe(302);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/redirect, which is not followed/);
  });

  it("throws a retryable error when the receiver cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(deliver({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET }, DELIVERY));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`could not reach 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it("refuses a URL that is not http(s) without trying", async () => {
    const error = await failure(deliver({ url: "file:///etc/passwd", secret: SECRET }, DELIVERY));
    expect(error.retryable).toBe(false);
    expect((await failure(deliver({ url: "not a url", secret: SECRET }, DELIVERY))).retryable).toBe(false);
  });
});
