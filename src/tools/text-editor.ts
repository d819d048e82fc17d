import { constants, existsSync, lstatSync, statSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { z } from "zod";
import { readConfinedBytes, type Skipped } from "../guard/sources/read-confined.js";
import { defineTool } from "./define-tool.js";
import { assertWritable, displayPath, resolveInside } from "./paths.js";
import type { Tool, ToolContext, ToolResult } from "./tool-types.js";

export const TEXT_EDITOR_NAME = "str_replace_based_edit_tool";
/** A file longer than this is shown in part unless a view_range is given. */
export const MAX_VIEW_LINES = 2_000;
/** Files bigger than this are not read at all (use grep, or bash with head/sed). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_DIR_ENTRIES = 1_000;
const SNIPPET_CONTEXT = 4;

export const TextEditorInput = z
  .object({
    command: z.enum(["view", "create", "str_replace", "insert"]),
    path: z.string().min(1),
    view_range: z.tuple([z.number().int().min(1), z.number().int().min(-1)]).optional(),
    file_text: z.string().optional(),
    old_str: z.string().optional(),
    new_str: z.string().optional(),
    insert_line: z.number().int().min(0).optional(),
  })
  .superRefine((input, ctx) => {
    const need = (field: "file_text" | "old_str" | "new_str" | "insert_line"): void => {
      if (input[field] === undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: `required for the ${input.command} command` });
      }
    };
    if (input.command === "create") need("file_text");
    if (input.command === "str_replace") need("old_str");
    if (input.command === "insert") {
      need("insert_line");
      need("new_str");
    }
    if (input.command === "str_replace" && input.old_str === "") {
      ctx.addIssue({ code: "custom", path: ["old_str"], message: "must not be empty" });
    }
  });
export type TextEditorInput = z.infer<typeof TextEditorInput>;

/**
 * The subject permission rules see: `view <path>` for the read command, `edit <path>` for the others
 * (Tool.kind is one value, so it is `write`; a read-only policy allows `view *` and nothing else).
 */
export function editorSubject(input: TextEditorInput, ctx?: Pick<ToolContext, "root">): string {
  const verb = input.command === "view" ? "view" : "edit";
  return `${verb} ${subjectPath(input.path, ctx?.root)}`;
}

function subjectPath(path: string, root: string | undefined): string {
  if (root !== undefined) {
    try {
      return displayPath(root, resolveInside(root, path));
    } catch {
      // outside or unresolvable: the run refuses it; match on the path as written
    }
  }
  const normal = posix.normalize(path.split("\\").join("/"));
  return normal.startsWith("./") ? normal.slice(2) : normal;
}

export function createTextEditorTool(options: { readOnly?: boolean } = {}): Tool<TextEditorInput> {
  return defineTool<TextEditorInput>({
    name: TEXT_EDITOR_NAME,
    kind: "write",
    spec: { kind: "anthropic", type: "text_editor_20250728", name: TEXT_EDITOR_NAME },
    input: TextEditorInput,
    subject: editorSubject,
    async run(input, ctx) {
      if (options.readOnly && input.command !== "view") {
        return fail(`This run is read-only: the ${input.command} command is not available; only view is.`);
      }
      const abs = resolveInside(ctx.root, input.path);
      const shown = displayPath(ctx.root, abs);
      switch (input.command) {
        case "view":
          return view(ctx.root, abs, shown, input.view_range);
        case "create":
          return create(ctx.root, abs, shown, input.file_text ?? "");
        case "str_replace":
          return strReplace(ctx.root, abs, shown, input.old_str ?? "", input.new_str ?? "");
        case "insert":
          return insert(ctx.root, abs, shown, input.insert_line ?? 0, input.new_str ?? "");
      }
    },
  });
}

export const textEditorTool = createTextEditorTool();

function ok(content: string): ToolResult {
  return { isError: false, content };
}
function fail(content: string): ToolResult {
  return { isError: true, content };
}

async function view(
  root: string,
  abs: string,
  shown: string,
  range: [number, number] | undefined,
): Promise<ToolResult> {
  if (!existsSync(abs)) return fail(`${shown} does not exist.`);
  if (statSync(abs).isDirectory()) {
    if (range) return fail("view_range only applies to files, and this path is a directory.");
    return ok(await listDirectory(abs, shown));
  }
  // The editor runs in the harness, not the sandbox: read like every other work-tree file (regular files
  // inside the tree only, at most MAX_FILE_BYTES), so a FIFO, a device or a file swapped for a link after
  // resolveInside is refused instead of hanging the run or reading outside.
  const read = await readConfinedBytes(root, abs, { maxBytes: MAX_FILE_BYTES });
  if (!read.ok) return fail(refusal(shown, read, "view"));
  const buffer = read.bytes;
  if (buffer.subarray(0, 8192).includes(0))
    return fail(`${shown} is a binary file; it cannot be viewed as text.`);
  const lines = splitLines(buffer.toString("utf8"));
  if (lines.length === 0) return ok(`${shown} is empty.`);
  let start = 1;
  let end = lines.length;
  let note = "";
  if (range) {
    [start, end] = [range[0], range[1] === -1 ? lines.length : range[1]];
    if (start > lines.length || end > lines.length || end < start) {
      return fail(
        `Invalid view_range [${range.join(", ")}]: ${shown} has ${lines.length} lines ` +
          `(use [start, end] with 1 <= start <= end <= ${lines.length}, or end -1 for the end of the file).`,
      );
    }
  } else if (lines.length > MAX_VIEW_LINES) {
    end = MAX_VIEW_LINES;
    note = `\n[${shown} has ${lines.length} lines; showing 1-${end}. Use view_range to see the rest.]`;
  }
  return ok(numbered(lines.slice(start - 1, end), start) + note);
}

async function listDirectory(abs: string, shown: string): Promise<string> {
  const out: string[] = [];
  let more = false;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      if (out.length >= MAX_DIR_ENTRIES) return void (more = true);
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const isDir = entry.isDirectory();
      out.push(isDir ? `${path}/` : path);
      if (isDir && depth < 2) await walk(join(dir, entry.name), path, depth + 1);
    }
  };
  await walk(abs, "", 1);
  const head = `Files and folders in ${shown}, up to 2 levels deep (hidden entries and node_modules left out):`;
  return [head, ...out, ...(more ? [`[stopped after ${MAX_DIR_ENTRIES} entries]`] : [])].join("\n");
}

/**
 * Writes open with O_NOFOLLOW (the file swapped for a link after resolveInside fails instead of writing
 * through it) and O_NONBLOCK (a FIFO with no reader fails with ENXIO instead of blocking the harness).
 */
const WRITE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK;

async function create(root: string, abs: string, shown: string, text: string): Promise<ToolResult> {
  assertWritable(root, abs);
  const existing = lstatSync(abs, { throwIfNoEntry: false });
  if (existing?.isDirectory()) return fail(`${shown} is a directory.`);
  if (existing && !existing.isFile()) return fail(`${shown} is not a regular file; it cannot be written.`);
  const existed = existing !== undefined;
  await mkdir(dirname(abs), { recursive: true });
  await writeFile(abs, text, { flag: WRITE_FLAGS });
  const count = splitLines(text).length;
  return ok(
    existed ? `Overwrote the existing file ${shown} (${count} lines).` : `Created ${shown} (${count} lines).`,
  );
}

async function readText(root: string, abs: string, shown: string): Promise<string> {
  const read = await readConfinedBytes(root, abs, { maxBytes: MAX_FILE_BYTES });
  if (!read.ok) {
    if (read.reason === "missing")
      throw new Error(`${shown} does not exist; use the create command to make it.`);
    throw new Error(refusal(shown, read, "edit"));
  }
  const buffer = read.bytes;
  if (buffer.subarray(0, 8192).includes(0))
    throw new Error(`${shown} is a binary file; it cannot be edited.`);
  return buffer.toString("utf8");
}

async function strReplace(root: string, abs: string, shown: string, old: string, replacement: string) {
  assertWritable(root, abs);
  const text = await readText(root, abs, shown);
  const at: number[] = [];
  for (let i = text.indexOf(old); i !== -1; i = text.indexOf(old, i + 1)) at.push(i);
  if (at.length === 0) {
    return fail(
      `No match for old_str in ${shown}. It must match the file exactly, including whitespace and ` +
        `indentation; view the file to copy the exact text.`,
    );
  }
  if (at.length > 1) {
    const lines = at.map((i) => lineOf(text, i));
    return fail(
      `old_str matches ${at.length} times in ${shown} (lines ${lines.join(", ")}); it must match exactly ` +
        `once. Include more surrounding lines to make it unique.`,
    );
  }
  const index = at[0] ?? 0;
  const updated = text.slice(0, index) + replacement + text.slice(index + old.length);
  await writeFile(abs, updated, { flag: WRITE_FLAGS });
  const first = lineOf(updated, index);
  const last = first + splitLines(replacement).length;
  return ok(`Edited ${shown}. The changed part, with context:\n${snippet(updated, first, last)}`);
}

async function insert(root: string, abs: string, shown: string, after: number, text: string) {
  assertWritable(root, abs);
  const original = await readText(root, abs, shown);
  const lines = splitLines(original);
  if (after > lines.length) {
    return fail(
      `Invalid insert_line ${after}: ${shown} has ${lines.length} lines (use 0 to ${lines.length}).`,
    );
  }
  const added = splitLines(text);
  lines.splice(after, 0, ...(added.length > 0 ? added : [""]));
  const updated = lines.join("\n") + (original === "" || original.endsWith("\n") ? "\n" : "");
  await writeFile(abs, updated, { flag: WRITE_FLAGS });
  return ok(
    `Inserted into ${shown} after line ${after}:\n${snippet(updated, after + 1, after + added.length)}`,
  );
}

/** Why a file cannot be viewed or edited, for the model. */
function refusal(shown: string, skipped: Skipped, verb: "view" | "edit"): string {
  switch (skipped.reason) {
    case "missing":
      return `${shown} does not exist.`;
    case "outside":
      return `The path "${shown}" is outside the repository; only files inside it can be used.`;
    case "not-a-file":
      return `${skipped.message}; it cannot be ${verb}ed.`;
    case "too-big":
      return verb === "view"
        ? `${shown} is too big to view (over ${MAX_FILE_BYTES} bytes); search it with grep or show parts with bash.`
        : `${shown} is too big to edit (over ${MAX_FILE_BYTES} bytes); edit it with bash.`;
    case "unreadable":
      return `${skipped.message}.`;
  }
}

/** Lines without the final empty one a trailing newline makes. */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function numbered(lines: string[], first: number): string {
  return lines.map((line, i) => `${String(first + i).padStart(6)}\t${line}`).join("\n");
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function snippet(text: string, first: number, last: number): string {
  const lines = splitLines(text);
  const from = Math.max(1, first - SNIPPET_CONTEXT);
  const to = Math.min(lines.length, Math.max(first, last) + SNIPPET_CONTEXT);
  return numbered(lines.slice(from - 1, to), from);
}
