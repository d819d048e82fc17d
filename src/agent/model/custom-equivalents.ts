/**
 * Custom-tool equivalents of the Anthropic-defined client tools, for Anthropic-compatible endpoints
 * that do not know those tool types. The schemas come from the tools' own zod inputs: a hand-written
 * copy once told the model that the editor's insert takes `insert_text`, and every insert failed.
 */
import { MemoryInput } from "../../memory/memory-tool.js";
import { BashInput } from "../../tools/bash.js";
import { TextEditorInput } from "../../tools/text-editor.js";
import type { z } from "zod";
import { inputJsonSchema, type ObjectSchema } from "./input-json-schema.js";

export type AnthropicToolType = "text_editor_20250728" | "bash_20250124" | "memory_20250818";

const VIEW_RANGE = "view: [first, last] line, 1-based; last may be -1 for the end of the file.";
const FILE_TEXT = "create: the file's content.";
const OLD_STR = "str_replace: the exact text to replace, which must occur exactly once.";
const INSERT_LINE = "insert: the line after which to insert (0 for the top of the file).";

export interface CustomEquivalent {
  description: string;
  schema: ObjectSchema;
}

/**
 * A tool's description and the schema of its zod input. The description names properties and
 * commands in snake_case; naming one the input lacks throws, so the prose cannot drift either.
 */
function equivalent(
  description: string,
  input: z.ZodType,
  properties: Record<string, string>,
): CustomEquivalent {
  const schema = inputJsonSchema(input, properties);
  const commands = (schema.properties.command?.enum as unknown[] | undefined) ?? [];
  for (const name of description.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []) {
    if (!(name in schema.properties) && !commands.includes(name)) {
      throw new Error(`The tool description names "${name}", which the tool input does not have`);
    }
  }
  return { description, schema };
}

export const CUSTOM_EQUIVALENTS: Record<AnthropicToolType, CustomEquivalent> = {
  bash_20250124: equivalent(
    "Run a command with bash in the repository. Each call is a fresh shell: cd and exports do not carry " +
      "over. restart: true only acknowledges.",
    BashInput,
    {
      command: "The bash command to run.",
      restart: "Restart the shell instead of running a command.",
    },
  ),
  text_editor_20250728: equivalent(
    "View, create and edit files. view: show a file with line numbers (optionally a view_range) or list a directory. " +
      "create: write file_text to a new file. str_replace: replace old_str, which must occur exactly once, with new_str. " +
      "insert: insert new_str after line insert_line (0 for the top of the file).",
    TextEditorInput,
    {
      path: "Path of the file or directory.",
      view_range: VIEW_RANGE,
      file_text: FILE_TEXT,
      old_str: OLD_STR,
      new_str: "str_replace: the replacement text. insert: the text to insert.",
      insert_line: INSERT_LINE,
    },
  ),
  memory_20250818: equivalent(
    "Long-term notes under /memories, kept between runs. view: list a directory or show a file with line " +
      "numbers (optionally a view_range). create: write file_text to path. str_replace: replace old_str, which " +
      "must occur exactly once, with new_str. insert: insert insert_text after line insert_line (0 for the top). " +
      "delete: remove path. rename: move old_path to new_path.",
    MemoryInput,
    {
      path: "A path under /memories.",
      view_range: VIEW_RANGE,
      file_text: FILE_TEXT,
      old_str: OLD_STR,
      new_str: "str_replace: the replacement text.",
      insert_line: INSERT_LINE,
      insert_text: "insert: the text to insert.",
      old_path: "rename: the current path.",
      new_path: "rename: the new path.",
    },
  ),
};
