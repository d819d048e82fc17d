import { z } from "zod";
import type { ModelClient, SystemBlock } from "../../agent/model-types.js";
import { costUsd } from "../../agent/model/prices.js";
import type { TreeBudget } from "../../agent/tree-budget.js";
import type { ToolSpec } from "../../tools/tool-spec.js";
import type { ToolResult } from "../../tools/tool-types.js";

/** More parts than this is a plan too fine to be worth a worktree each. */
export const MAX_PARTS = 6;

export const PlanPart = z.object({
  description: z.string().trim().min(1).max(120),
  prompt: z.string().trim().min(1).max(20_000),
  paths: z.array(z.string().trim().min(1).max(300)).max(50).optional(),
});
export type PlanPart = z.infer<typeof PlanPart>;

export const Plan = z.object({ parts: z.array(PlanPart).max(MAX_PARTS) });
export type Plan = z.infer<typeof Plan>;

export const PLAN_REQUEST =
  "Before any work: can this request be split into independent parts, each doable without seeing the " +
  "others' changes (different files, no shared new code)? Do not call a tool. Reply with JSON only: " +
  '{"parts": [{"description": "a few words", "prompt": "everything that part needs", "paths": ["files"]}]}. ' +
  `At most ${MAX_PARTS} parts; one part (or none) when the work does not split.`;

export interface PlanOutcome {
  parts: PlanPart[];
  /** Why there is no usable plan, when there is none. */
  note?: string;
}

/**
 * The coordinator's plan step: one model call with the run's own system prompt and tools (so it writes
 * the cached prefix the agents that follow read), asking for the request's independent parts.
 */
export async function planParts(o: {
  model: ModelClient;
  modelName: string;
  system: SystemBlock[];
  tools: ToolSpec[];
  instruction: string;
  budget: TreeBudget;
  signal?: AbortSignal;
}): Promise<PlanOutcome> {
  o.budget.chargeTurn();
  const reply = await o.model.send({
    model: o.modelName,
    system: o.system,
    tools: o.tools,
    messages: [{ role: "user", content: `${o.instruction}\n\n${PLAN_REQUEST}` }],
    maxTokens: 4096,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  o.budget.chargeModel(reply.usage, costUsd(reply.model || o.modelName, reply.usage).usd);
  const text = reply.content.map((b) => (b.type === "text" ? b.text : "")).join("");
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end < start) return { parts: [], note: "the plan step gave no JSON plan" };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return { parts: [], note: "the plan step's JSON did not parse" };
  }
  const plan = Plan.safeParse(value);
  if (!plan.success) return { parts: [], note: "the plan step's JSON was not a plan of parts" };
  return { parts: plan.data.parts };
}

/** The run's instruction once the parts are done: what each work sub-agent reported, and what is left. */
export function integrationPrompt(instruction: string, parts: PlanPart[], results: ToolResult[]): string {
  return [
    instruction,
    `patchwright split this request into ${parts.length} independent parts and had work sub-agents do ` +
      "them at the same time; what they merged is in your worktree, and their reports follow. Check that " +
      "the parts fit together, do what is missing (a part that failed or did not merge), then reply with a " +
      "summary. The tests run once, when you finish.",
    ...parts.map(
      (part, i) =>
        `## Part ${i + 1}: ${part.description}${results[i]!.isError ? " (not done)" : ""}\n\n${results[i]!.content}`,
    ),
  ].join("\n\n");
}
