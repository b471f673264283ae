import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { drain, trackRequests } from "./drain.js";

/** A server answering after `ms`, on a free port. */
async function slowServer(ms: number) {
  const server = createServer((_req, res) => void setTimeout(() => res.end("done"), ms));
  const active = trackRequests(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, active, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("drain", () => {
  it("waits for the requests in flight, closing a kept-alive connection once it is idle", async () => {
    const { server, active, url } = await slowServer(200);
    await fetch(url); // leaves an idle kept-alive connection, which alone would hold server.close() forever
    const pending = fetch(url).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(active.active()).toBe(1);
    const started = Date.now();
    expect(await drain(server, active, 5000)).toEqual({ cut: 0, uploads: 0 });
    expect(await pending).toBe("done");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("cuts what is still running at the grace bound, and says how many", async () => {
    const { server, active, url } = await slowServer(5000);
    const pending = fetch(url).then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await drain(server, active, 200)).toEqual({ cut: 1, uploads: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe("cut");
  });
});
