import { stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { displayPath, resolveInside } from "./paths.js";
import { cut, findRipgrep, type Found, ripgrep } from "./search-ripgrep.js";
import { readRegularFile, walkRegularFiles, type Walk, type WalkLimits } from "./search-files.js";
import {
  compileGlob,
  compileRegex,
  createSlicer,
  matchingLines,
  PatternError,
  RE2_SYNTAX_HINT,
  TooExpensiveError,
  type LineTest,
} from "./search-match.js";
import type { Tool, ToolContext } from "./tool-types.js";

export const MAX_GLOB_RESULTS = 500;
/** Paths matched against a glob per time slice. */
const PATH_BATCH = 512;

/** The bounds of one grep or glob call; `timeoutMs` never exceeds the run's per-command limit. */
export interface SearchLimits {
  /** Larger files are skipped (by ripgrep too); no more than this plus one byte is read of any file. */
  maxFileBytes: number;
  /** Files and folders looked at by the built-in walk before it stops. */
  maxEntries: number;
  /** The whole call, ripgrep included. */
  timeoutMs: number;
  /** The longest the built-in search may hold the event loop at once; past it the pattern is refused. */
  sliceTimeoutMs: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  maxFileBytes: 5 * 1024 * 1024,
  maxEntries: 100_000,
  timeoutMs: 120_000,
  sliceTimeoutMs: 500,
};

export const GrepInput = z.object({
  pattern: z
    .string()
    .min(1)
    .max(10_000)
    .describe("Regular expression to search for in file contents (RE2/ripgrep syntax)"),
  path: z
    .string()
    .optional()
    .describe("File or folder to search in, relative to the repository (default: all)"),
  glob: z
    .string()
    .max(1_000)
    .optional()
    .describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.py"'),
  ignore_case: z.boolean().optional().describe("Case-insensitive search"),
  max_results: z.number().int().min(1).max(2000).optional().describe("Maximum matching lines (default 200)"),
});
export type GrepInput = z.infer<typeof GrepInput>;

export const GlobInput = z.object({
  pattern: z
    .string()
    .min(1)
    .max(1_000)
    .describe('Glob matched against paths relative to `path`, e.g. "**/*.test.ts"'),
  path: z.string().optional().describe("Folder to search in, relative to the repository (default: all)"),
});
export type GlobInput = z.infer<typeof GlobInput>;

export interface GrepToolOptions {
  /** "auto" (default): ripgrep when on PATH; false: always the JavaScript fallback. */
  ripgrep?: "auto" | false;
  limits?: Partial<SearchLimits>;
}

export interface GlobToolOptions {
  limits?: Partial<SearchLimits>;
}

interface Target {
  /** The real root and the real path searched (inside it). */
  root: string;
  abs: string;
  isFile: boolean;
}

export function createGrepTool(options: GrepToolOptions = {}): Tool<GrepInput> {
  const limits = { ...DEFAULT_SEARCH_LIMITS, ...options.limits };
  return defineTool<GrepInput>({
    name: "grep",
    kind: "read",
    spec: {
      kind: "custom",
      name: "grep",
      description:
        "Search file contents with a regular expression. Honours .gitignore, skips binary files. " +
        `Returns path:line:text lines (long lines cut). ${RE2_SYNTAX_HINT}`,
      inputSchema: z.toJSONSchema(GrepInput),
    },
    input: GrepInput,
    subject: (input) => `grep ${input.pattern}${input.path ? ` in ${input.path}` : ""}`,
    async run(input, ctx) {
      const target = await targetOf(ctx, input.path);
      if ("error" in target) return { isError: true, content: target.error };
      const max = input.max_results ?? 200;
      const timeoutMs = Math.min(limits.timeoutMs, ctx.commandTimeoutMs);
      const pathEnv = ctx.env.PATH ?? process.env.PATH;
      const rg = options.ripgrep === false ? undefined : findRipgrep(pathEnv, target.root);
      const found = rg
        ? await ripgrep(rg, {
            pattern: input.pattern,
            glob: input.glob,
            ignoreCase: input.ignore_case ?? false,
            root: target.root,
            target: target.abs,
            max,
            maxFileBytes: limits.maxFileBytes,
            timeoutMs,
            signal: ctx.signal,
          })
        : await searchInProcess(input, target, max, ctx.signal, limits, timeoutMs);
      if ("error" in found) return { isError: true, content: found.error };
      const notes = [
        ...(found.lines.length >= max ? [`[stopped at ${max} results; narrow the search]`] : []),
        ...(found.note ? [found.note] : []),
      ];
      if (found.lines.length === 0 && notes.length === 0) return { isError: false, content: "No matches." };
      return { isError: false, content: [...found.lines, ...notes].join("\n") };
    },
  });
}

export const grepTool = createGrepTool();

export function createGlobTool(options: GlobToolOptions = {}): Tool<GlobInput> {
  const limits = { ...DEFAULT_SEARCH_LIMITS, ...options.limits };
  return defineTool<GlobInput>({
    name: "glob",
    kind: "read",
    spec: {
      kind: "custom",
      name: "glob",
      description:
        "Find files by name with a glob (`*` within a folder, `**` across folders, `?`, `[abc]`, `{a,b}`), " +
        "honouring .gitignore. Returns paths relative to the repository.",
      inputSchema: z.toJSONSchema(GlobInput),
    },
    input: GlobInput,
    subject: (input) => `glob ${input.pattern}${input.path ? ` in ${input.path}` : ""}`,
    async run(input, ctx) {
      const target = await targetOf(ctx, input.path);
      if ("error" in target) return { isError: true, content: target.error };
      if (target.isFile) return { isError: true, content: `"${input.path}" is a file; give a folder.` };
      const slice = createSlicer(limits.sliceTimeoutMs);
      const base = displayPath(target.root, target.abs);
      const walk: Walk = {};
      const timeoutMs = Math.min(limits.timeoutMs, ctx.commandTimeoutMs);
      const walkLimits = walkLimitsOf({ ...limits, timeoutMs }, ctx.signal);
      const out: string[] = [];
      try {
        const isMatch = slice(() =>
          compileGlob(input.pattern.replace(/^(?:\.\/)+/, ""), { basename: false }),
        );
        const local = (rel: string): string => (base === "." ? rel : rel.slice(base.length + 1));
        for await (const batch of batches(walkRegularFiles(target.root, target.abs, walkLimits, walk))) {
          out.push(...slice(() => batch.filter((rel) => isMatch(local(rel)))));
          if (out.length > MAX_GLOB_RESULTS) break;
        }
      } catch (error) {
        return { isError: true, content: explain(error, "glob") };
      }
      if (walk.stopped === "aborted") return { isError: true, content: "The glob call was cancelled." };
      const notes =
        out.length > MAX_GLOB_RESULTS
          ? [`[stopped at ${MAX_GLOB_RESULTS} files; use a narrower pattern]`]
          : [];
      if (walk.stopped) notes.push(walkNote(walk.stopped, { ...limits, timeoutMs }));
      const shown = out.slice(0, MAX_GLOB_RESULTS);
      if (shown.length === 0 && notes.length === 0) return { isError: false, content: "No files match." };
      return { isError: false, content: [...shown, ...notes].join("\n") };
    },
  });
}

export const globTool = createGlobTool();

/** The real path asked for, which must be a regular file or a folder (a FIFO would hang a reader). */
async function targetOf(ctx: ToolContext, path: string | undefined): Promise<Target | { error: string }> {
  const root = resolveInside(ctx.root, ".");
  const abs = resolveInside(root, path ?? ".");
  const stats = await stat(abs).catch(() => undefined);
  if (!stats) return { error: `"${path}" does not exist.` };
  if (!stats.isFile() && !stats.isDirectory()) return { error: `"${path}" is not a file or a folder.` };
  return { root, abs, isFile: stats.isFile() };
}

/** The search without ripgrep: the walk and reads of search-files.ts, the matching of search-match.ts. */
async function searchInProcess(
  input: GrepInput,
  target: Target,
  max: number,
  signal: AbortSignal,
  limits: SearchLimits,
  timeoutMs: number,
): Promise<Found> {
  const slice = createSlicer(limits.sliceTimeoutMs);
  const walk: Walk = {};
  const walkLimits = walkLimitsOf({ ...limits, timeoutMs }, signal);
  const stop = (): boolean => {
    if (signal.aborted) walk.stopped = "aborted";
    else if (Date.now() > walkLimits.deadline) walk.stopped = "time";
    return walk.stopped !== undefined;
  };
  const lines: string[] = [];
  try {
    const test = slice(() => compileRegex(input.pattern, input.ignore_case ?? false));
    const glob = input.glob;
    const wanted: LineTest | undefined = glob
      ? slice(() => compileGlob(glob, { basename: true }))
      : undefined;
    const paths = target.isFile
      ? [displayPath(target.root, target.abs)]
      : walkRegularFiles(target.root, target.abs, walkLimits, walk);
    search: for await (const batch of batches(paths)) {
      for (const rel of wanted ? slice(() => batch.filter(wanted)) : batch) {
        if (stop()) break search;
        const content = await readRegularFile(target.root, join(target.root, rel), limits.maxFileBytes);
        if (typeof content === "string" || content.subarray(0, 8192).includes(0)) continue;
        const fileLines = content.toString("utf8").split("\n");
        for (const i of await matchingLines(fileLines, test, slice, max - lines.length, stop)) {
          lines.push(`${rel}:${i + 1}:${cut((fileLines[i] ?? "").replace(/\r$/, ""))}`);
        }
        if (lines.length >= max) break search;
      }
    }
  } catch (error) {
    return { error: explain(error, "grep") };
  }
  if (walk.stopped === "aborted") return { error: "The grep call was cancelled." };
  return { lines, ...(walk.stopped ? { note: walkNote(walk.stopped, { ...limits, timeoutMs }) } : {}) };
}

function walkLimitsOf(limits: SearchLimits, signal: AbortSignal): WalkLimits {
  return { maxEntries: limits.maxEntries, deadline: Date.now() + limits.timeoutMs, signal };
}

/** Groups paths so that each glob test batch costs one time slice, not one per path. */
async function* batches(paths: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const path of paths) {
    batch.push(path);
    if (batch.length >= PATH_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function explain(error: unknown, tool: "grep" | "glob"): string {
  if (error instanceof PatternError) return error.message;
  if (error instanceof TooExpensiveError) {
    const what = tool === "grep" ? "pattern" : "glob";
    return (
      `The ${what} is too expensive to run without ripgrep (${error.message}). Simplify it (fewer ` +
      "counted repetitions such as {500}, fewer alternatives) or search a narrower path."
    );
  }
  throw error;
}

function walkNote(stopped: Exclude<Walk["stopped"], undefined>, limits: SearchLimits): string {
  if (stopped === "time") return timeoutNote(limits.timeoutMs);
  if (stopped === "entries") {
    return `[stopped after looking at ${limits.maxEntries} files and folders; narrow the search with path or glob]`;
  }
  return "[cancelled]";
}

function timeoutNote(timeoutMs: number): string {
  return `[stopped after ${Math.round(timeoutMs / 1000)} s; narrow the search with path or glob]`;
}
