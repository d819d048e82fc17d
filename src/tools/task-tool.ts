import { z } from "zod";
import { defineTool } from "./define-tool.js";
import type { Tool, ToolContext, ToolResult } from "./tool-types.js";

export const TASK_TOOL = "task";

export const TaskInput = z.object({
  mode: z
    .enum(["fork", "teammate", "work"])
    .describe(
      "fork: a read-only copy of you that starts from this conversation (cheap: it reads your cached " +
        "context), for exploring and reporting back briefly. teammate: a fresh read-only agent with only " +
        "your prompt, that can exchange messages through send_message / read_messages. work: an agent " +
        "that edits and runs commands in its own worktree; its commit is merged into yours when it finishes.",
    ),
  description: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .describe("A few words naming the task, shown in the report."),
  prompt: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .describe("Everything the sub-agent needs to know: what to do, what to report back."),
  paths: z
    .array(z.string().trim().min(1).max(300))
    .max(50)
    .optional()
    .describe("The files or folders the task is about, told to the sub-agent as its part of the repository."),
});
export type TaskInput = z.infer<typeof TaskInput>;

/** Starts one sub-agent and resolves with what it reports (or why it could not run), never throwing. */
export type LaunchSubAgent = (input: TaskInput, ctx: ToolContext) => Promise<ToolResult>;

/**
 * The tool the model starts sub-agents with. What a sub-agent is (its tools, rules, worktree, budget) is
 * the launcher's business, given by the run; several calls in one turn run at the same time.
 */
export function createTaskTool(launch: LaunchSubAgent, concurrency: number): Tool<TaskInput> {
  return defineTool<TaskInput>({
    name: TASK_TOOL,
    kind: "read",
    parallel: true,
    spec: {
      kind: "custom",
      name: TASK_TOOL,
      description:
        "Hand part of the work to a sub-agent and get its final report back. Call it several times in one " +
        `turn to run independent parts at the same time: at most ${concurrency} run at once, the others wait ` +
        "for a free slot. Sub-agents share this run's limits (turns, cost, time), so give each a focused " +
        "task. Every turn of a sub-agent re-reads its whole conversation (from the cache, at a tenth of the " +
        "price), so one that reads many files costs more per file than several that each read fewer.",
      inputSchema: z.toJSONSchema(TaskInput),
    },
    input: TaskInput,
    subject: (input) => `${input.mode} ${input.description}`,
    run: (input, ctx) => launch(input, ctx),
  });
}
