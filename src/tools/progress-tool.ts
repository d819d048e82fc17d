import { z } from "zod";
import { defineTool } from "./define-tool.js";
import type { Tool } from "./tool-types.js";

export const ProgressItem = z.object({
  text: z.string().min(1).max(200),
  done: z.boolean(),
});
export type ProgressItem = z.infer<typeof ProgressItem>;

export const ProgressInput = z.object({ items: z.array(ProgressItem).min(1).max(20) });
export type ProgressInput = z.infer<typeof ProgressInput>;

export const PROGRESS_TOOL = "update_progress";

/**
 * The agent's checklist, shown to the person in the tracking comment: the model sends the whole list
 * each time (it is short), so there is no state to get out of step.
 */
export function createProgressTool(onUpdate: (items: ProgressItem[]) => void): Tool<ProgressInput> {
  return defineTool<ProgressInput>({
    name: PROGRESS_TOOL,
    kind: "read",
    spec: {
      kind: "custom",
      name: PROGRESS_TOOL,
      description:
        "Show the person who asked what you plan to do and how far you are: send the whole checklist " +
        "(at most 20 short items), marking the finished ones done. Call it once you have a plan, and " +
        "again as items are finished.",
      inputSchema: z.toJSONSchema(ProgressInput),
    },
    input: ProgressInput,
    subject: (input) => `${input.items.length} items`,
    run: (input) => {
      onUpdate(input.items);
      const done = input.items.filter((i) => i.done).length;
      return Promise.resolve({
        isError: false,
        content: `Checklist shown (${done}/${input.items.length} done).`,
      });
    },
  });
}
