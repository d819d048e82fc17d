import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toApiTools } from "../../../src/agent/model/api-tools.js";
import { inputJsonSchema } from "../../../src/agent/model/input-json-schema.js";
import { MemoryInput } from "../../../src/memory/memory-tool.js";
import { BashInput } from "../../../src/tools/bash.js";
import { runTool } from "../../../src/tools/define-tool.js";
import { textEditorTool } from "../../../src/tools/text-editor.js";
import type { ToolSpec } from "../../../src/tools/tool-spec.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { NO_COMMANDS, testToolContext } from "../../helpers/tool-context.js";

interface Property {
  type?: string;
  description?: string;
}
interface Advertised {
  name: string;
  description: string;
  input_schema: { type: string; properties: Record<string, Property>; required?: string[] };
}

/** What custom-tools-only mode tells the model about an Anthropic-defined tool. */
function advertised(spec: ToolSpec): Advertised {
  const [tool] = toApiTools([spec], true);
  return tool as unknown as Advertised;
}

/**
 * The input a model writes for `command` when it goes by the schema alone: the properties whose
 * description says they belong to that command, each filled with a value of its type.
 */
function callFromSchema(tool: Advertised, command: string, given: Record<string, unknown>) {
  const input: Record<string, unknown> = { command, ...given };
  for (const [name, property] of Object.entries(tool.input_schema.properties)) {
    if (name in input || !property.description?.includes(`${command}:`)) continue;
    input[name] = property.type === "integer" ? 0 : "added by the model";
  }
  return input;
}

const EDITOR: ToolSpec = {
  kind: "anthropic",
  type: "text_editor_20250728",
  name: "str_replace_based_edit_tool",
};
const MEMORY: ToolSpec = { kind: "anthropic", type: "memory_20250818", name: "memory" };
const BASH: ToolSpec = { kind: "anthropic", type: "bash_20250124", name: "bash" };

describe("custom-tools-only mode", () => {
  it("advertises an editor insert that the editor accepts", async () => {
    const root = tempDir("pw-custom-editor-");
    writeFileSync(join(root, "notes.md"), "first line\n");
    const input = callFromSchema(advertised(EDITOR), "insert", { path: "notes.md" });
    const result = await runTool(textEditorTool, input, testToolContext(root, { sandbox: NO_COMMANDS }));
    expect(result).toMatchObject({ isError: false });
    expect(readFileSync(join(root, "notes.md"), "utf8")).toBe("added by the model\nfirst line\n");
  });

  it("advertises a memory insert and str_replace that the memory tool accepts", () => {
    const memory = advertised(MEMORY);
    const path = { path: "/memories/notes.md" };
    expect(MemoryInput.safeParse(callFromSchema(memory, "insert", path)).success).toBe(true);
    expect(MemoryInput.safeParse(callFromSchema(memory, "str_replace", path)).success).toBe(true);
  });

  it("advertises only properties the tools know, as objects with their commands", () => {
    const editor = advertised(EDITOR);
    const memory = advertised(MEMORY);
    const bash = advertised(BASH);
    for (const tool of [editor, memory, bash]) expect(tool.input_schema.type).toBe("object");
    expect(Object.keys(editor.input_schema.properties).sort()).toEqual(
      ["command", "file_text", "insert_line", "new_str", "old_str", "path", "view_range"].sort(),
    );
    expect(editor.input_schema.properties.command).toMatchObject({
      enum: ["view", "create", "str_replace", "insert"],
    });
    expect(memory.input_schema.properties.command).toMatchObject({
      enum: ["view", "create", "str_replace", "insert", "delete", "rename"],
    });
    expect(Object.keys(bash.input_schema.properties).sort()).toEqual(Object.keys(BashInput.shape).sort());
  });
});

describe("inputJsonSchema", () => {
  it("refuses descriptions that do not match the input, and commands that would not merge", () => {
    const input = z.object({ path: z.string() });
    expect(inputJsonSchema(input, { path: "Where." })).toEqual({
      type: "object",
      properties: { path: { type: "string", description: "Where." } },
      required: ["path"],
    });
    expect(() => inputJsonSchema(input, {})).toThrow(/"path" has no description/);
    expect(() => inputJsonSchema(input, { path: "Where.", insert_text: "What." })).toThrow(/"insert_text"/);
    const clash = z.discriminatedUnion("command", [
      z.object({ command: z.literal("a"), n: z.string() }),
      z.object({ command: z.literal("b"), n: z.number() }),
    ]);
    expect(() => inputJsonSchema(clash, { n: "N." })).toThrow(/"n" differs between commands/);
  });
});
