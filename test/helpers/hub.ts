import type { AddressInfo } from "node:net";
import path from "node:path";
import { createApp, createLogger, Hub, loadHubConfig } from "@santral-hub/core";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const DEMO_TOKEN = "demo-token-2026";

export interface RunningHub {
  url: string;
  hub: Hub;
  close(): Promise<void>;
}

/** The real hub, on a free loopback port, with the given config directory (default: the repo's own). */
export async function startHub(
  opts: { configDir?: string; now?: () => Date; env?: NodeJS.ProcessEnv; resolveFrom?: string[] } = {},
): Promise<RunningHub> {
  const config = await loadHubConfig(opts.configDir ?? path.join(REPO, "config"), {});
  const resolveFrom = [...(opts.resolveFrom ?? []), REPO];
  const hubOptions = { config, log: createLogger("silent"), resolveFrom, env: opts.env ?? {} };
  const hub = await Hub.start(opts.now ? { ...hubOptions, now: opts.now } : hubOptions);
  const server = createApp(hub).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hub,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await hub.close();
    },
  };
}

export type Format = "get" | "form" | "json" | "xml";

/** Sends fields the way the Netsantral panel does in each of its four formats. */
export function sendCall(url: string, format: Format, fields: Record<string, string>): Promise<Response> {
  switch (format) {
    case "get":
      return fetch(`${url}?${new URLSearchParams(fields)}`);
    case "form":
      return fetch(url, { method: "POST", body: new URLSearchParams(fields) });
    case "json":
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(fields),
      });
    case "xml": {
      const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      const children = Object.entries(fields)
        .map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`)
        .join("");
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "text/xml; charset=utf-8" },
        body: `<?xml version="1.0" encoding="UTF-8"?><call>${children}</call>`,
      });
    }
  }
}

export const FORMATS: Format[] = ["get", "form", "json", "xml"];

/** The documentation's example call (NETSANTRAL.md), with the demo tenant's token. */
export function exampleCall(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    arayan_no: "05101234567",
    aranan_no: "8503030303",
    santral_no: "8503030303",
    arama_id: "1234567.213",
    tus_bilgisi: "1",
    test: "1234",
    token: DEMO_TOKEN,
    ...overrides,
  };
}
