import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { delimiter, isAbsolute, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import { displayPath } from "./paths.js";
import { findOnPath } from "../workspace/sandbox/find-on-path.js";

/** The grep tool's answer before formatting: path:line:text lines and a note, or an error. */
export type Found = { lines: string[]; note?: string } | { error: string };

const MAX_LINE_CHARS = 300;

/** A matched line as shown to the model: long lines (minified code) are cut. */
export function cut(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}[...]` : text;
}

/**
 * ripgrep from PATH, if any. It runs outside the sandbox, as the harness: only an absolute PATH entry
 * counts, and never a binary inside the worktree (the repository could ship its own `rg`).
 */
export function findRipgrep(pathEnv: string | undefined, root: string): string | undefined {
  const dirs = (pathEnv ?? "").split(delimiter).filter((dir) => isAbsolute(dir));
  const found = findOnPath("rg", dirs.join(delimiter));
  if (!found) return undefined;
  const real = realpathSync(found);
  const rel = relative(root, real);
  const inside = rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
  return inside ? undefined : real;
}

export interface RipgrepSearch {
  pattern: string;
  glob?: string | undefined;
  ignoreCase: boolean;
  /** The real worktree, and the folder or file searched (a real path inside it). */
  root: string;
  target: string;
  max: number;
  maxFileBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs ripgrep for `search`: path:line:text lines, a note when it was stopped, or an error. */
export function ripgrep(rg: string, search: RipgrepSearch): Promise<Found> {
  const { max, signal, timeoutMs } = search;
  // ripgrep runs as the harness, outside the sandbox, so nothing but these arguments may steer it:
  // --no-config and an empty environment (RIPGREP_CONFIG_PATH could add --pre=<program>, HOME a
  // global gitignore); the model's pattern and glob are glued to their flags and the path follows
  // `--`, so none can be read as a flag; links are never followed; no --pre, no --search-zip.
  const args = [
    "--no-config",
    "--line-number",
    "--no-heading",
    "--with-filename",
    "--null",
    "--color=never",
    "--hidden",
    "--no-follow",
    "--no-ignore-global",
    `--max-filesize=${search.maxFileBytes}`,
    "--max-columns=4096",
    "--max-columns-preview",
    "--no-messages",
    "--sort=path",
    "--glob=!.git",
  ];
  if (search.ignoreCase) args.push("--ignore-case");
  if (search.glob) args.push(`--glob=${search.glob}`);
  args.push(`--regexp=${search.pattern}`, "--", displayPath(search.root, search.target));
  return new Promise<Found>((resolve) => {
    const child = spawn(rg, args, { cwd: search.root, env: {}, stdio: ["ignore", "pipe", "pipe"], signal });
    const lines: string[] = [];
    let stderr = "";
    let timedOut = false;
    // A FIFO named .gitignore blocks ripgrep forever: the call has a hard limit of its own.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(0, 2000)));
    const reader = createInterface({ input: child.stdout });
    reader.on("line", (line) => {
      if (lines.length >= max) return;
      const [path = "", rest = ""] = line.split("\0", 2);
      lines.push(`${path.startsWith("./") ? path.slice(2) : path}:${cut(rest)}`);
      if (lines.length >= max) child.kill();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error: signal.aborted ? "The grep call was cancelled." : `grep failed: ${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (signal.aborted) resolve({ error: "The grep call was cancelled." });
      else if (timedOut)
        resolve({
          lines,
          note: `[stopped after ${Math.round(timeoutMs / 1000)} s; narrow the search with path or glob]`,
        });
      else if (code === 2 && lines.length === 0)
        resolve({ error: `grep failed: ${stderr.trim() || "ripgrep error"}` });
      else resolve({ lines });
    });
  });
}
