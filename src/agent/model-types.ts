import type { ToolSpec } from "../tools/tool-spec.js";

/**
 * The loop's view of a model: the Messages API's shapes, without the SDK. Only `src/agent/model/*`
 * knows @anthropic-ai/sdk; everything else talks to a ModelClient.
 */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

export interface Message {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export interface SystemBlock {
  text: string;
  /** Put a cache breakpoint after this block (the stable prefix). */
  cache?: boolean;
}

export interface ModelRequest {
  model: string;
  system: SystemBlock[];
  messages: Message[];
  tools: ToolSpec[];
  maxTokens: number;
  /**
   * The message whose last block carries the rolling cache breakpoint, when not the last message: a
   * request that repeats a cached conversation and appends something not worth caching (compaction's
   * summary instruction) marks where the cached part ends, so the API reads it from there.
   */
  cacheBreakpointAt?: number;
  signal?: AbortSignal | undefined;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export interface ModelResponse {
  model: string;
  content: ContentBlock[];
  stopReason: string;
  usage: Usage;
}

export interface ModelClient {
  /** One request; streams text to `onText` as it arrives. Throws ModelError after its own retries. */
  send(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse>;
}

export type ModelErrorKind =
  "auth" | "rate_limit" | "overloaded" | "server" | "bad_request" | "network" | "aborted";

/** A model failure, with a sentence written for a person (never a stack trace, never a key). */
export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
  ) {
    super(message);
  }
}
