/** How tools are described to the Messages API: Anthropic's own client tools, or custom tools. */
import type { ToolUnion } from "@anthropic-ai/sdk/resources/messages/messages";
import type { ToolSpec } from "../../tools/tool-spec.js";
import { CUSTOM_EQUIVALENTS, type AnthropicToolType } from "./custom-equivalents.js";

/** The Anthropic-defined client tools, with the names the model was trained on. */
const ANTHROPIC_TOOL_NAMES: Record<AnthropicToolType, string> = {
  text_editor_20250728: "str_replace_based_edit_tool",
  bash_20250124: "bash",
  memory_20250818: "memory",
};

export function toApiTools(tools: ToolSpec[], customToolsOnly = false): ToolUnion[] {
  return tools.map((tool): ToolUnion => {
    if (tool.kind === "custom") {
      return {
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema as { type: "object"; [key: string]: unknown },
      };
    }
    const name = ANTHROPIC_TOOL_NAMES[tool.type];
    if (customToolsOnly) {
      const equivalent = CUSTOM_EQUIVALENTS[tool.type];
      return {
        name,
        description: equivalent.description,
        input_schema: structuredClone(equivalent.schema),
      };
    }
    if (tool.type === "memory_20250818") return { type: "memory_20250818", name: "memory" };
    return tool.type === "bash_20250124"
      ? { type: "bash_20250124", name: "bash" }
      : { type: "text_editor_20250728", name: "str_replace_based_edit_tool" };
  });
}
