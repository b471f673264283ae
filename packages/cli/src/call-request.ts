/** The four ways a Netsantral panel sends a call, by the name the CLI gives them. */
export const FORMATS = { get: "HTTP GET", form: "HTTP POST", json: "JSON POST", xml: "XML POST" } as const;
export type Format = keyof typeof FORMATS;

export interface PbxRequest {
  method: "GET" | "POST";
  url: string;
  contentType?: string;
  body?: string;
}

/** The request the panel would send with these fields, in `format`. */
export function pbxRequest(url: string, format: Format, fields: Record<string, string>): PbxRequest {
  switch (format) {
    case "get":
      return { method: "GET", url: `${url}?${new URLSearchParams(fields)}` };
    case "form":
      return {
        method: "POST",
        url,
        contentType: "application/x-www-form-urlencoded",
        body: String(new URLSearchParams(fields)),
      };
    case "json":
      return { method: "POST", url, contentType: "application/json", body: JSON.stringify(fields) };
    case "xml": {
      const children = Object.entries(fields)
        .map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`)
        .join("");
      const body = `<?xml version="1.0" encoding="UTF-8"?><call>${children}</call>`;
      return { method: "POST", url, contentType: "text/xml; charset=utf-8", body };
    }
  }
}

/** The request as printed: the token's value hidden wherever it appears. */
export function shown(request: PbxRequest, token: string): PbxRequest {
  const hide = (text: string) =>
    text.replaceAll(token, "•••").replaceAll(encodeURIComponent(token), "•••").replaceAll(xmlText(token), "•••");
  return {
    ...request,
    url: hide(request.url),
    ...(request.body === undefined ? {} : { body: hide(request.body) }),
  };
}

export async function send(request: PbxRequest): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(request.url, {
    method: request.method,
    ...(request.contentType ? { headers: { "Content-Type": request.contentType } } : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, text, ms: Math.round(performance.now() - started) };
}

function xmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
