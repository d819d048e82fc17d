/**
 * How a tool is described to the model. It lives with the tools (every tool declares one) and the
 * agent's model client turns it into the API's tool definition.
 *
 * Anthropic's own client tools (the model was trained on them), or a custom tool with a JSON schema.
 */
export type ToolSpec =
  | { kind: "anthropic"; type: "text_editor_20250728" | "bash_20250124"; name: string }
  | { kind: "anthropic"; type: "memory_20250818"; name: "memory" }
  | { kind: "custom"; name: string; description: string; inputSchema: Record<string, unknown> };
