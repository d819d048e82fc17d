import { bashTool, createBashTool } from "./bash.js";
import { globTool, grepTool } from "./search.js";
import { createTextEditorTool, textEditorTool } from "./text-editor.js";
import type { Tool } from "./tool-types.js";

// Tool<I> is bivariant in its methods, so any tool fits a Tool<unknown> list; runTool re-checks input.
export type AnyTool = Tool<unknown>;

export const ALL_TOOLS: readonly AnyTool[] = [textEditorTool, bashTool, grepTool, globTool];

const READ_ONLY_EDITOR = createTextEditorTool({ readOnly: true });
const READ_ONLY_BASH = createBashTool({ readOnlyRoot: true });

/**
 * The tools a run gets. Read-only runs get the same four, but what they may do is the permission
 * policy's decision (`view *` only for the editor, read-only commands for bash); the editor given to
 * them also refuses every command but `view` itself, and their bash sees the worktree read-only in the
 * run's sandbox, in case a policy is misconfigured.
 */
export function toolsFor(kind: "read" | "write"): readonly AnyTool[] {
  if (kind === "write") return ALL_TOOLS;
  return [READ_ONLY_EDITOR, READ_ONLY_BASH, grepTool, globTool];
}
