import type { Hub } from "../hub/hub.js";
import { tokenBytes, tokenMatches } from "../tenants/token.js";

export interface MetricsResponse {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

/**
 * The `/metrics` answer: the Prometheus text, behind `Authorization: Bearer <metrics.token>` when hub.yaml
 * sets one (compared in constant time, like a tenant's token).
 */
export function metricsEndpoint(hub: Hub): (authorization: string | undefined) => Promise<MetricsResponse> {
  const token = hub.config.metrics.token;
  const expected = token === undefined ? undefined : tokenBytes(token);
  return async (authorization) => {
    if (expected) {
      const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
      if (!tokenMatches(expected, given)) {
        return {
          status: 401,
          type: "text/plain",
          body: "missing or wrong bearer token\n",
          headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
        };
      }
    }
    const { registry } = hub.metrics;
    return { status: 200, type: registry.contentType, body: await registry.metrics() };
  };
}
