import type { z } from "zod";
import type { Tool, ToolContext, ToolResult } from "./tool-types.js";

/** Every tool result the model sees is cut to this many characters (head and tail kept). */
export const DEFAULT_RESULT_CAP = 16_000;

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Checks a tool's shape once, at definition time, so a malformed tool fails at startup, not mid-run. */
export function defineTool<I>(tool: Tool<I>): Tool<I> {
  if (!NAME.test(tool.name)) throw new Error(`Tool name "${tool.name}" must match ${String(NAME)}`);
  if (tool.spec.name !== tool.name)
    throw new Error(`Tool "${tool.name}" has a spec named "${tool.spec.name}"`);
  if (!["read", "write", "exec"].includes(tool.kind))
    throw new Error(`Tool "${tool.name}" has no valid kind`);
  if (typeof tool.run !== "function" || typeof tool.subject !== "function") {
    throw new Error(`Tool "${tool.name}" needs run() and subject()`);
  }
  if (typeof tool.input?.safeParse !== "function") throw new Error(`Tool "${tool.name}" needs a zod input`);
  return tool;
}

export interface RunToolOptions {
  /** Characters kept of the result (default 16,000). */
  cap?: number;
}

/**
 * The one place a tool runs: input validated with the tool's zod schema, any throw turned into an
 * `isError` result written for the model (message only: stacks help nobody and may hold paths), the
 * abort signal honoured, the result truncated.
 */
export async function runTool<I>(
  tool: Tool<I>,
  rawInput: unknown,
  ctx: ToolContext,
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const cap = options.cap ?? DEFAULT_RESULT_CAP;
  const parsed = tool.input.safeParse(rawInput);
  if (!parsed.success) {
    return { isError: true, content: truncateMiddle(describeInputError(tool.name, parsed.error), cap) };
  }
  if (ctx.signal.aborted)
    return { isError: true, content: `The ${tool.name} call was cancelled before it ran.` };
  let result: ToolResult;
  try {
    result = await raceAbort(tool.run(parsed.data, ctx), ctx.signal, tool.name);
  } catch (error) {
    result = { isError: true, content: `${tool.name} failed: ${messageOf(error)}` };
  }
  return { isError: result.isError, content: truncateMiddle(result.content, cap) };
}

/** "Invalid input for bash: `command`: expected string, received number" — names every bad field. */
export function describeInputError(toolName: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(input)";
    return `- \`${field}\`: ${issue.message}`;
  });
  return [`Invalid input for ${toolName}:`, ...lines, "Fix the input and call the tool again."].join("\n");
}

/** Keeps the head and the tail of `text`, saying in the middle how much was cut. */
export function truncateMiddle(text: string, cap: number = DEFAULT_RESULT_CAP): string {
  if (text.length <= cap) return text;
  const note = (cut: number): string => `\n\n[... ${cut} characters cut from the middle ...]\n\n`;
  const room = Math.max(0, cap - note(text.length).length);
  const head = Math.ceil(room / 2);
  const tail = room - head;
  const cut = text.length - head - tail;
  return text.slice(0, head) + note(cut) + (tail > 0 ? text.slice(text.length - tail) : "");
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Resolves with a "cancelled" result as soon as the signal fires; the tool itself should stop too. */
function raceAbort(work: Promise<ToolResult>, signal: AbortSignal, name: string): Promise<ToolResult> {
  return new Promise<ToolResult>((resolve, reject) => {
    const onAbort = (): void => resolve({ isError: true, content: `The ${name} call was cancelled.` });
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
