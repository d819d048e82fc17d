import { z } from "zod";

/**
 * A permission rule as the repository config declares it (`agent.rules`) and the agent's policy
 * applies it (src/agent/permissions): the tool it is about, a wildcard matched against what the call
 * does, and the decision.
 */
export const Rule = z.object({
  tool: z.string().min(1),
  pattern: z.string(),
  decision: z.enum(["allow", "deny"]),
  /** Said to the model when this rule denies a call. */
  why: z.string().optional(),
});
export type Rule = z.infer<typeof Rule>;
