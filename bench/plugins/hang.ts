// A CRM that never answers (but stops when aborted, as the contract asks).
import { definePlugin } from "@santral-hub/sdk";
import { z } from "zod";

export default definePlugin({
  name: "hang",
  configSchema: z.object({}).strict(),
  create: () => ({
    lookup: (_query, { signal }) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
  }),
});
