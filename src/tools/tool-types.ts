import type { z } from "zod";
import type { ToolSpec } from "./tool-spec.js";
import type { NoSandbox, Sandbox } from "../workspace/sandbox/sandbox.js";

/** read: looks only; write: changes files in the worktree; exec: runs commands. */
export type ToolKind = "read" | "write" | "exec";

export interface ToolContext {
  /** The worktree, symlinks resolved: no tool reads or writes outside it. */
  root: string;
  /** The environment commands get: an allow-list, never a token. */
  env: Readonly<Record<string, string>>;
  /** Where tools save what they cut (full command output), inside or outside the root. */
  scratchDir: string;
  signal: AbortSignal;
  /** Per-command time limit for exec tools. */
  commandTimeoutMs: number;
  /** Where commands run: the run's sandbox, or why there is none (then every command is refused). */
  sandbox: Sandbox | NoSandbox;
}

export interface ToolResult {
  content: string;
  isError: boolean;
}

export interface Tool<I = unknown> {
  name: string;
  kind: ToolKind;
  spec: ToolSpec;
  input: z.ZodType<I>;
  /**
   * What permission rules match against: the command for bash, `view <path>` / `edit <path>` for the
   * editor, ... Given the root, paths are made relative to it with symlinks resolved, so a rule such as
   * `edit .github/workflows/**` cannot be dodged with an absolute path, `..` or a link.
   */
  subject(input: I, ctx?: Pick<ToolContext, "root">): string;
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
  /** Calls of this tool asked for in one turn run at the same time (sub-agents), not one after another. */
  parallel?: boolean;
}
