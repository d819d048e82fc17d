/**
 * Anthropic's memory tool (`memory_20250818`) over a BranchMemoryStore: the model keeps notes under
 * `/memories`, which live on the `patchwright/memory` branch. Edits are held by the store and committed
 * once at the end of the run (see memory-store.ts); every error is a message for the model.
 */
import { z } from "zod";
import { defineTool } from "../tools/define-tool.js";
import type { Tool, ToolResult } from "../tools/tool-types.js";
import { MemoryError, toBranchPath, toMemoryPath, type BranchMemoryStore } from "./memory-store.js";

export const MEMORY_TOOL_NAME = "memory";
/** A note longer than this is shown in part unless a view_range is given. */
const MAX_VIEW_LINES = 2_000;
const MAX_LIST_ENTRIES = 500;

const path = z.string().min(1);

export const MemoryInput = z.discriminatedUnion("command", [
  z.object({
    command: z.literal("view"),
    path,
    view_range: z.tuple([z.number().int().min(1), z.number().int().min(-1)]).optional(),
  }),
  z.object({ command: z.literal("create"), path, file_text: z.string() }),
  z.object({
    command: z.literal("str_replace"),
    path,
    old_str: z.string().min(1, "must not be empty"),
    new_str: z.string().optional(),
  }),
  z.object({
    command: z.literal("insert"),
    path,
    insert_line: z.number().int().min(0),
    insert_text: z.string(),
  }),
  z.object({ command: z.literal("delete"), path }),
  z.object({ command: z.literal("rename"), old_path: path, new_path: path }),
]);
export type MemoryInput = z.infer<typeof MemoryInput>;

/** `memory <command> <path>` (rename: `memory rename <old_path> <new_path>`), paths normalised when valid. */
export function memorySubject(input: MemoryInput): string {
  if (input.command === "rename") {
    return `memory rename ${shownPath(input.old_path)} ${shownPath(input.new_path)}`;
  }
  return `memory ${input.command} ${shownPath(input.path)}`;
}

function shownPath(raw: string): string {
  try {
    return toMemoryPath(toBranchPath(raw));
  } catch {
    return raw;
  }
}

export interface MemoryToolOptions {
  /** Only the view command (a read-only run). */
  readOnly?: boolean;
}

export function createMemoryTool(
  store: BranchMemoryStore,
  options: MemoryToolOptions = {},
): Tool<MemoryInput> {
  return defineTool<MemoryInput>({
    name: MEMORY_TOOL_NAME,
    kind: "write",
    spec: { kind: "anthropic", type: "memory_20250818", name: "memory" },
    input: MemoryInput,
    subject: memorySubject,
    async run(input) {
      if (options.readOnly && input.command !== "view") {
        return fail(
          `This run is read-only: the memory ${input.command} command is not available; only view is.`,
        );
      }
      try {
        return await runCommand(store, input);
      } catch (error) {
        if (error instanceof MemoryError) return fail(error.message);
        throw error;
      }
    },
  });
}

async function runCommand(store: BranchMemoryStore, input: MemoryInput): Promise<ToolResult> {
  switch (input.command) {
    case "view":
      return view(store, toBranchPath(input.path), input.view_range);
    case "create": {
      const at = toBranchPath(input.path);
      const existed = (await store.exists(at)) === "file";
      await store.write(at, input.file_text);
      const verb = existed ? "Overwrote" : "Created";
      return ok(`${verb} ${toMemoryPath(at)} (${lineCount(input.file_text)} lines).`);
    }
    case "str_replace": {
      const at = toBranchPath(input.path);
      const text = await readFile(store, at);
      const hits: number[] = [];
      for (let i = text.indexOf(input.old_str); i !== -1; i = text.indexOf(input.old_str, i + 1))
        hits.push(i);
      if (hits.length === 0) {
        return fail(
          `No match for old_str in ${toMemoryPath(at)}; it must match exactly, including whitespace.`,
        );
      }
      if (hits.length > 1) {
        return fail(
          `old_str matches ${hits.length} times in ${toMemoryPath(at)}; it must match exactly once. ` +
            `Include more surrounding text.`,
        );
      }
      const index = hits[0] ?? 0;
      const replacement = input.new_str ?? "";
      await store.write(at, text.slice(0, index) + replacement + text.slice(index + input.old_str.length));
      return ok(`Edited ${toMemoryPath(at)}.`);
    }
    case "insert": {
      const at = toBranchPath(input.path);
      const text = await readFile(store, at);
      const lines = splitLines(text);
      if (input.insert_line > lines.length) {
        return fail(
          `Invalid insert_line ${input.insert_line}: ${toMemoryPath(at)} has ${lines.length} lines ` +
            `(use 0 to ${lines.length}).`,
        );
      }
      const added = splitLines(input.insert_text);
      lines.splice(input.insert_line, 0, ...(added.length > 0 ? added : [""]));
      await store.write(at, lines.join("\n") + (text === "" || text.endsWith("\n") ? "\n" : ""));
      return ok(
        `Inserted ${added.length || 1} lines into ${toMemoryPath(at)} after line ${input.insert_line}.`,
      );
    }
    case "delete": {
      const at = toBranchPath(input.path);
      const removed = await store.remove(at);
      return ok(
        removed.length === 1 && removed[0] === at
          ? `Deleted ${toMemoryPath(at)}.`
          : `Deleted ${toMemoryPath(at)} and the ${removed.length} files in it.`,
      );
    }
    case "rename": {
      const from = toBranchPath(input.old_path);
      const to = toBranchPath(input.new_path);
      const moved = await store.rename(from, to);
      return ok(
        `Renamed ${toMemoryPath(from)} to ${toMemoryPath(to)}${moved > 1 ? ` (${moved} files)` : ""}.`,
      );
    }
  }
}

async function view(
  store: BranchMemoryStore,
  at: string,
  range: [number, number] | undefined,
): Promise<ToolResult> {
  const kind = await store.exists(at);
  if (kind === undefined) return fail(`${toMemoryPath(at)} does not exist.`);
  if (kind === "directory") {
    if (range) return fail("view_range only applies to files, and this path is a directory.");
    const files = await store.list(at);
    if (files.length === 0) return ok(`${toMemoryPath(at)} is empty: no notes yet.`);
    const shown = files.slice(0, MAX_LIST_ENTRIES).map((f) => `${f.size}\t${toMemoryPath(f.path)}`);
    const more =
      files.length > MAX_LIST_ENTRIES ? [`[${files.length - MAX_LIST_ENTRIES} more not shown]`] : [];
    return ok([`Files in ${toMemoryPath(at)} (size in bytes, then path):`, ...shown, ...more].join("\n"));
  }
  const lines = splitLines(await readFile(store, at));
  if (lines.length === 0) return ok(`${toMemoryPath(at)} is empty.`);
  let [start, end] = [1, lines.length];
  let note = "";
  if (range) {
    [start, end] = [range[0], range[1] === -1 ? lines.length : range[1]];
    if (start > lines.length || end > lines.length || end < start) {
      return fail(
        `Invalid view_range [${range.join(", ")}]: ${toMemoryPath(at)} has ${lines.length} lines ` +
          `(use 1 <= start <= end <= ${lines.length}, or end -1 for the end of the file).`,
      );
    }
  } else if (lines.length > MAX_VIEW_LINES) {
    end = MAX_VIEW_LINES;
    note = `\n[${lines.length} lines; showing 1-${end}. Use view_range to see the rest.]`;
  }
  const body = lines
    .slice(start - 1, end)
    .map((line, i) => `${String(start + i).padStart(6)}\t${line}`)
    .join("\n");
  return ok(body + note);
}

async function readFile(store: BranchMemoryStore, at: string): Promise<string> {
  const kind = await store.exists(at);
  if (kind === "directory") throw new MemoryError(`${toMemoryPath(at)} is a directory, not a file.`);
  const text = await store.read(at);
  if (text === undefined) {
    throw new MemoryError(`${toMemoryPath(at)} does not exist; use the create command to make it.`);
  }
  return text;
}

/** Lines without the empty one a trailing newline makes. */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function lineCount(text: string): number {
  return splitLines(text).length;
}

function ok(content: string): ToolResult {
  return { isError: false, content };
}
function fail(content: string): ToolResult {
  return { isError: true, content };
}
