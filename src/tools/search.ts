import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import picomatch from "picomatch";
import { z } from "zod";
import { walkFiles } from "../guard/sources/walk-files.js";
import { defineTool } from "./define-tool.js";
import { displayPath, resolveInside } from "./paths.js";
import type { Tool, ToolContext } from "./tool-types.js";
import { findOnPath } from "./which.js";

const MAX_LINE_CHARS = 300;
const MAX_SEARCHED_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_GLOB_RESULTS = 500;

export const GrepInput = z.object({
  pattern: z.string().min(1).describe("Regular expression to search for in file contents"),
  path: z
    .string()
    .optional()
    .describe("File or folder to search in, relative to the repository (default: all)"),
  glob: z.string().optional().describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.py"'),
  ignore_case: z.boolean().optional().describe("Case-insensitive search"),
  max_results: z.number().int().min(1).max(2000).optional().describe("Maximum matching lines (default 200)"),
});
export type GrepInput = z.infer<typeof GrepInput>;

export const GlobInput = z.object({
  pattern: z.string().min(1).describe('Glob matched against paths relative to `path`, e.g. "**/*.test.ts"'),
  path: z.string().optional().describe("Folder to search in, relative to the repository (default: all)"),
});
export type GlobInput = z.infer<typeof GlobInput>;

export interface GrepToolOptions {
  /** "auto" (default): ripgrep when on PATH; false: always the JavaScript fallback. */
  ripgrep?: "auto" | false;
}

export function createGrepTool(options: GrepToolOptions = {}): Tool<GrepInput> {
  return defineTool<GrepInput>({
    name: "grep",
    kind: "read",
    spec: {
      kind: "custom",
      name: "grep",
      description:
        "Search file contents with a regular expression. Honours .gitignore, skips binary files. " +
        "Returns path:line:text lines (long lines cut).",
      inputSchema: z.toJSONSchema(GrepInput),
    },
    input: GrepInput,
    subject: (input) => `grep ${input.pattern}${input.path ? ` in ${input.path}` : ""}`,
    async run(input, ctx) {
      const abs = resolveInside(ctx.root, input.path ?? ".");
      const max = input.max_results ?? 200;
      const rg = options.ripgrep === false ? undefined : findOnPath("rg", ctx.env.PATH ?? process.env.PATH);
      const found = rg ? await ripgrep(rg, input, abs, max, ctx) : await fallback(input, abs, max, ctx);
      if ("error" in found) return { isError: true, content: found.error };
      if (found.lines.length === 0) return { isError: false, content: "No matches." };
      const capped = found.lines.length >= max ? `\n[stopped at ${max} results; narrow the search]` : "";
      return { isError: false, content: found.lines.join("\n") + capped };
    },
  });
}

export const grepTool = createGrepTool();

type Found = { lines: string[] } | { error: string };

function cut(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}[...]` : text;
}

function ripgrep(rg: string, input: GrepInput, abs: string, max: number, ctx: ToolContext): Promise<Found> {
  const target = displayPath(ctx.root, abs);
  // --hidden so .github and dotfiles are searched, but never .git; links are not followed (default).
  const args = ["--line-number", "--no-heading", "--with-filename", "--null", "--color=never", "--hidden"];
  args.push("--glob", "!.git", "--no-messages", "--sort", "path");
  if (input.ignore_case) args.push("--ignore-case");
  if (input.glob) args.push("--glob", input.glob);
  args.push("-e", input.pattern, "--", target);
  return new Promise<Found>((resolve) => {
    const child = spawn(rg, args, { cwd: ctx.root, stdio: ["ignore", "pipe", "pipe"], signal: ctx.signal });
    const lines: string[] = [];
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(0, 2000)));
    const reader = createInterface({ input: child.stdout });
    reader.on("line", (line) => {
      if (lines.length >= max) return;
      const [path = "", rest = ""] = line.split("\0", 2);
      lines.push(`${path.startsWith("./") ? path.slice(2) : path}:${cut(rest)}`);
      if (lines.length >= max) child.kill();
    });
    child.on("error", (error) => resolve({ error: `grep failed: ${error.message}` }));
    child.on("close", (code) => {
      if (code === 2 && lines.length === 0)
        resolve({ error: `grep failed: ${stderr.trim() || "ripgrep error"}` });
      else resolve({ lines });
    });
  });
}

async function fallback(input: GrepInput, abs: string, max: number, ctx: ToolContext): Promise<Found> {
  let regex: RegExp;
  try {
    regex = new RegExp(input.pattern, input.ignore_case ? "i" : "");
  } catch (error) {
    return { error: `Invalid regular expression: ${(error as Error).message}` };
  }
  const matchGlob = input.glob ? picomatch(input.glob, { dot: true, basename: true }) : () => true;
  const lines: string[] = [];
  for await (const rel of filesUnder(ctx.root, abs)) {
    if (ctx.signal.aborted) break;
    if (!matchGlob(rel)) continue;
    const text = await readSearchable(join(ctx.root, rel));
    if (text === undefined) continue;
    const fileLines = text.split("\n");
    for (let i = 0; i < fileLines.length; i++) {
      const line = fileLines[i] ?? "";
      if (!regex.test(line)) continue;
      lines.push(`${rel}:${i + 1}:${cut(line.replace(/\r$/, ""))}`);
      if (lines.length >= max) return { lines };
    }
  }
  return { lines };
}

async function* filesUnder(root: string, abs: string): AsyncGenerator<string> {
  const rootReal = resolveInside(root, ".");
  if (statSync(abs).isFile()) yield displayPath(rootReal, abs);
  else yield* walkFiles(rootReal, abs);
}

/** The text of a file, or undefined for a binary (NUL in the first 8 KB) or a huge file. */
async function readSearchable(path: string): Promise<string | undefined> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size > MAX_SEARCHED_FILE_BYTES) return undefined;
    const buffer = await handle.readFile();
    return buffer.subarray(0, 8192).includes(0) ? undefined : buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

export const globTool: Tool<GlobInput> = defineTool<GlobInput>({
  name: "glob",
  kind: "read",
  spec: {
    kind: "custom",
    name: "glob",
    description:
      "Find files by name with a glob (`*` within a folder, `**` across folders), honouring .gitignore. " +
      "Returns paths relative to the repository.",
    inputSchema: z.toJSONSchema(GlobInput),
  },
  input: GlobInput,
  subject: (input) => `glob ${input.pattern}${input.path ? ` in ${input.path}` : ""}`,
  async run(input, ctx) {
    const abs = resolveInside(ctx.root, input.path ?? ".");
    const base = displayPath(ctx.root, abs);
    const isMatch = picomatch(input.pattern, { dot: true });
    const out: string[] = [];
    for await (const rel of filesUnder(ctx.root, abs)) {
      const local = base === "." ? rel : rel.slice(base.length + 1);
      if (!isMatch(local)) continue;
      if (out.length >= MAX_GLOB_RESULTS) {
        out.push(`[stopped at ${MAX_GLOB_RESULTS} files; use a narrower pattern]`);
        break;
      }
      out.push(rel);
    }
    return { isError: false, content: out.length === 0 ? "No files match." : out.join("\n") };
  },
});
