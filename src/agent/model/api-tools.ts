/** How tools are described to the Messages API: Anthropic's own client tools, or custom tools. */
import type { ToolUnion } from "@anthropic-ai/sdk/resources/messages/messages";
import type { ToolSpec } from "../../tools/tool-spec.js";

/** The Anthropic-defined client tools, with the names the model was trained on. */
const ANTHROPIC_TOOL_NAMES = {
  text_editor_20250728: "str_replace_based_edit_tool",
  bash_20250124: "bash",
  memory_20250818: "memory",
} as const;

/** The inputs the text editor and the memory tool share (view, create, str_replace, insert). */
const FILE_EDIT_PROPERTIES = {
  view_range: {
    type: "array",
    items: { type: "integer" },
    minItems: 2,
    maxItems: 2,
    description: "view: [first, last] line, 1-based; last may be -1 for the end of the file.",
  },
  file_text: { type: "string", description: "create: the file's content." },
  old_str: { type: "string", description: "str_replace: the exact text to replace." },
  new_str: { type: "string", description: "str_replace: the replacement text." },
  insert_line: { type: "integer", description: "insert: the line after which to insert." },
  insert_text: { type: "string", description: "insert: the text to insert." },
} as const;

/** Custom-tool equivalents of the Anthropic-defined tools, for endpoints without them. */
const CUSTOM_EQUIVALENTS: Record<keyof typeof ANTHROPIC_TOOL_NAMES, { description: string; schema: object }> =
  {
    bash_20250124: {
      description:
        "Run a command with bash in the repository. Each call is a fresh shell: cd and exports do not carry " +
        "over. restart: true only acknowledges.",
      schema: {
        type: "object",
        properties: {
          command: { type: "string", description: "The bash command to run." },
          restart: { type: "boolean", description: "Restart the shell instead of running a command." },
        },
      },
    },
    text_editor_20250728: {
      description:
        "View, create and edit files. view: show a file with line numbers (optionally a view_range) or list a directory. " +
        "create: write file_text to a new file. str_replace: replace old_str, which must occur exactly once, with new_str. " +
        "insert: insert insert_text after line insert_line (0 for the top of the file).",
      schema: {
        type: "object",
        properties: {
          command: { type: "string", enum: ["view", "create", "str_replace", "insert"] },
          path: { type: "string", description: "Path of the file or directory." },
          ...FILE_EDIT_PROPERTIES,
        },
        required: ["command", "path"],
      },
    },
    memory_20250818: {
      description:
        "Long-term notes under /memories, kept between runs. view: list a directory or show a file with line " +
        "numbers (optionally a view_range). create: write file_text to path. str_replace: replace old_str, which " +
        "must occur exactly once, with new_str. insert: insert insert_text after line insert_line (0 for the top). " +
        "delete: remove path. rename: move old_path to new_path.",
      schema: {
        type: "object",
        properties: {
          command: {
            type: "string",
            enum: ["view", "create", "str_replace", "insert", "delete", "rename"],
          },
          path: { type: "string", description: "A path under /memories." },
          ...FILE_EDIT_PROPERTIES,
          old_path: { type: "string", description: "rename: the current path." },
          new_path: { type: "string", description: "rename: the new path." },
        },
        required: ["command"],
      },
    },
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
        input_schema: structuredClone(equivalent.schema) as { type: "object"; [key: string]: unknown },
      };
    }
    if (tool.type === "memory_20250818") return { type: "memory_20250818", name: "memory" };
    return tool.type === "bash_20250124"
      ? { type: "bash_20250124", name: "bash" }
      : { type: "text_editor_20250728", name: "str_replace_based_edit_tool" };
  });
}
