import type { ToolSpec } from "../tools/tool-spec.js";
import type { Message, ModelResponse, SystemBlock, Usage } from "./model-types.js";

export type LimitKind = "turns" | "cost" | "time" | "loop" | "context";
export type VerificationOutcome = "passed" | "failed" | "no_command" | "not_run";

/** What a run ends with, whatever way it ended. */
export interface AgentResult {
  outcome: "finished" | "limit" | "failed" | "aborted";
  /** One sentence for a person. */
  reason: string;
  turns: number;
  usage: Usage;
  costUsd: number;
  /** False when the model's price had to be estimated from its family. */
  costKnown: boolean;
  verification: VerificationOutcome;
  /** The model's last words: its own account of what it did. */
  finalText: string;
  /**
   * The sub-agents the run started, as a tree, each with its own figures. When present, `turns`,
   * `usage` and `costUsd` above are the whole run's: the main agent's and every sub-agent's.
   */
  agents?: AgentNode[];
}

export type SubAgentMode = "fork" | "teammate" | "work";

/** One sub-agent of a run: what it was asked, how it ended, what it cost, and the ones it started. */
export interface AgentNode {
  name: string;
  mode: SubAgentMode;
  description: string;
  depth: number;
  outcome: AgentResult["outcome"] | "refused";
  reason: string;
  turns: number;
  usage: Usage;
  costUsd: number;
  /** A work sub-agent's merge: the merge commit, or the paths that conflicted. */
  merge?: { commit: string } | { conflicts: string[]; branch: string };
  children: AgentNode[];
}

/** The loop's typed events: logs, transcripts and progress comments are consumers. */
export type AgentEvent =
  | { type: "turn_started"; turn: number }
  | { type: "model_text"; turn: number; text: string }
  /**
   * What was sent: the system prompt and tools on the first turn only, and the messages added since the
   * previous request (from index `firstMessage`), so a transcript holds every request without repeating
   * the growing history.
   */
  | {
      type: "model_request";
      turn: number;
      firstMessage: number;
      request: {
        model: string;
        system: SystemBlock[];
        messages: Message[];
        tools: ToolSpec[];
        maxTokens: number;
      };
    }
  | { type: "model_response"; turn: number; response: ModelResponse; costUsd: number }
  | { type: "tool_requested"; turn: number; id: string; name: string; input: unknown }
  | {
      type: "tool_result";
      turn: number;
      id: string;
      name: string;
      isError: boolean;
      content: string;
      ms: number;
    }
  | { type: "limit_reached"; limit: LimitKind; detail: string }
  /** The history was compacted before a request: which level it took, and the estimated size before and after. */
  | { type: "compacted"; level: number; beforeTokens: number; afterTokens: number; failed?: string }
  /** Instruction files found in a folder the run touched, added to the tool result that touched it. */
  | { type: "instructions"; files: string[]; warning?: string }
  | { type: "verification"; command: string; passed: boolean; output: string; attempt: number }
  | { type: "finished"; result: AgentResult }
  | { type: "failed"; result: AgentResult };
