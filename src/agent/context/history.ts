import type { ContentBlock, Message } from "../model-types.js";

type ToolUse = Extract<ContentBlock, { type: "tool_use" }>;
type ToolResult = Extract<ContentBlock, { type: "tool_result" }>;

export function blocksOf(message: Message): ContentBlock[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
}

export function toolUses(message: Message | undefined): ToolUse[] {
  if (!message || message.role !== "assistant" || typeof message.content === "string") return [];
  return message.content.filter((b): b is ToolUse => b.type === "tool_use");
}

export function toolResults(message: Message | undefined): ToolResult[] {
  if (!message || message.role !== "user" || typeof message.content === "string") return [];
  return message.content.filter((b): b is ToolResult => b.type === "tool_result");
}

/** Indices of the assistant messages (one per turn), oldest first. */
export function assistantIndices(messages: readonly Message[]): number[] {
  const out: number[] = [];
  messages.forEach((m, i) => {
    if (m.role === "assistant") out.push(i);
  });
  return out;
}

/**
 * Index of the oldest of the last `keep` assistant turns: everything before it is "old". Undefined when
 * there are not more than `keep` turns (nothing is old yet).
 */
export function recentBoundary(messages: readonly Message[], keep: number): number | undefined {
  const turns = assistantIndices(messages);
  if (turns.length <= keep) return undefined;
  return turns[turns.length - Math.max(1, keep)];
}

/**
 * What the Messages API would reject, as sentences (empty when the history is well formed): the first
 * message must be the user's, roles alternate, every tool_result answers a tool_use of the message just
 * before it, and every tool_use is answered in the message just after it (unless it is the last message).
 */
export function historyProblems(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  if (messages[0]?.role !== "user") problems.push("the first message is not the user's");
  messages.forEach((m, i) => {
    const prev = messages[i - 1];
    if (prev && prev.role === m.role) problems.push(`messages ${i - 1} and ${i} are both ${m.role}`);
    const offered = new Set(toolUses(prev).map((u) => u.id));
    for (const r of toolResults(m)) {
      if (!offered.has(r.tool_use_id)) {
        problems.push(`message ${i}: tool_result ${r.tool_use_id} has no tool_use in the message before`);
      }
    }
    const next = messages[i + 1];
    if (next) {
      const answered = new Set(toolResults(next).map((r) => r.tool_use_id));
      for (const u of toolUses(m)) {
        if (!answered.has(u.id)) problems.push(`message ${i}: tool_use ${u.id} is not answered`);
      }
    }
  });
  return problems;
}
