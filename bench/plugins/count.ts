// A CRM that knows every caller and counts how often it is asked (GET /count on the hub's sidecar port).
import { createServer } from "node:http";
import { definePlugin } from "@santral-hub/sdk";
import { z } from "zod";

let calls = 0;
if (process.env.COUNT_PORT) {
  createServer((_req, res) => res.end(String(calls))).listen(Number(process.env.COUNT_PORT), "127.0.0.1");
}

export default definePlugin({
  name: "count",
  configSchema: z.object({ delayMs: z.number().default(50) }).strict(),
  create: (config) => ({
    async lookup(query) {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, config.delayMs));
      const phone = query.phone?.e164 ?? "";
      return [{ id: phone, source: "count", phones: [phone], firstName: "Ahmet", lastName: "Yılmaz", fields: {} }];
    },
  }),
});
