import { z } from "zod";
import { DEFAULT_POLICY, type MatchPolicy, RESOLVERS, type Resolver } from "../lookup/policy.js";
import { strict, text } from "./fields.js";

const ALLOWED = RESOLVERS.join(", ");

const resolver = text.pipe(
  z.enum(RESOLVERS, {
    error: (issue) => `"${String(issue.input)}" is not a resolver; use any of, in the order to try: ${ALLOWED}`,
  }),
);

const kindList = (what: string) =>
  z
    .array(text.pipe(z.string().trim().min(1, "empty; write a kind such as Contact")))
    .min(1, `empty list; name at least one ${what}, or leave the key out for the default`);

/** The tenant's `match:` block; every key is optional and defaults to {@link DEFAULT_POLICY}. */
export const matchSchema = strict({
  resolvers: z
    .array(resolver)
    .superRefine((list, ctx) => {
      list.forEach((name, i) => {
        if (list.indexOf(name) !== i) {
          ctx.addIssue({ code: "custom", path: [i], input: name, message: `"${name}" is listed twice; list it once` });
        }
      });
    })
    .default([...DEFAULT_POLICY.resolvers])
    .describe(`tried in order until one picks the caller (${ALLOWED}); none decides: the call is ambiguous`),
  kinds: kindList("kind")
    .default([...DEFAULT_POLICY.kinds])
    .describe("record kinds for the `kind` resolver, most preferred first (e.g. Contact, Lead, Account)"),
  companyFallback: z
    .boolean()
    .default(DEFAULT_POLICY.companyFallback)
    .describe("when no person carries the number, accept a company record (its owner is the representative)"),
  companyKinds: kindList("company kind")
    .default([...DEFAULT_POLICY.companyKinds])
    .describe("the kinds that are companies, not people"),
  limit: z
    .number()
    .int("a whole number, 1 to 100")
    .min(1, "use 1 to 100")
    .max(100, "use 1 to 100")
    .default(DEFAULT_POLICY.limit)
    .describe("the most records weighed; when more carry the number, the call is ambiguous"),
});

export type MatchFile = z.output<typeof matchSchema>;

export const DEFAULT_MATCH: MatchFile = {
  resolvers: [...DEFAULT_POLICY.resolvers],
  kinds: [...DEFAULT_POLICY.kinds],
  companyFallback: DEFAULT_POLICY.companyFallback,
  companyKinds: [...DEFAULT_POLICY.companyKinds],
  limit: DEFAULT_POLICY.limit,
};

export function toPolicy(match: MatchFile): MatchPolicy {
  return {
    resolvers: [...match.resolvers] as Resolver[],
    kinds: [...match.kinds],
    companyFallback: match.companyFallback,
    companyKinds: [...match.companyKinds],
    limit: match.limit,
  };
}
