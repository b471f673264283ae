import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { phonesIn } from "@santral-hub/sdk";
import type { SeedRecord } from "@santral-hub/sdk/testing";

/**
 * A stand-in for the CRM's API, serving the conformance kit's records the way the plugin expects the real
 * API to. Once the plugin talks to your CRM, seed a test instance of it instead, and keep this for the
 * failures a real CRM will not produce on demand.
 */
export async function startFakeCrm(
  records: readonly SeedRecord[],
  token: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    if (url.pathname !== "/contacts") return void res.writeHead(404).end();
    const phone = url.searchParams.get("phone");
    const customerNumber = url.searchParams.get("customerNumber");
    const results = records
      .filter((r) =>
        phone ? r.phones.some((stored) => phonesIn(stored).includes(phone)) : r.customerNumber === customerNumber,
      )
      .map(({ ownerName, ownerExtension, ...r }) => ({
        ...r,
        ...(ownerName || ownerExtension ? { owner: { name: ownerName, extension: ownerExtension } } : {}),
      }));
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ results }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
