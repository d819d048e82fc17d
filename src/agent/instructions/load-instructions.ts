import { readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { git } from "../../workspace/git.js";

/** The instruction files people already write for agents, read in this order in each folder. */
export const INSTRUCTION_FILES = [
  "PATCHWRIGHT.md",
  "AGENTS.md",
  "CLAUDE.md",
  ".github/copilot-instructions.md",
];
/** Like the leaked harness, and for the same reason: past this, instructions crowd out the work. */
export const INSTRUCTIONS_CAP = 40_000;

/** Where instruction files are read from: the worktree, or a git ref (a pull request's base). */
export type InstructionSource = (path: string) => Promise<string | undefined>;

export function worktreeSource(root: string): InstructionSource {
  return (path) => readFile(join(root, path), "utf8").catch(() => undefined);
}

/**
 * Files as they are on `ref`. On a pull request this is the base branch: instructions are trusted text,
 * and the head is written by whoever opened the pull request.
 */
export function gitRefSource(repo: string, ref: string): InstructionSource {
  return (path) => git(repo, ["show", `${ref}:${path}`]).catch(() => undefined);
}

export interface Instructions {
  text: string;
  files: string[];
  /** Set when the cap cut the text: said in the run log and the result. */
  warning?: string;
}

/**
 * Reads the instruction files of the given folders (repository-relative, "" for the root), each file
 * labelled with its path, within a shared budget of `cap` characters.
 */
export class InstructionLoader {
  private used = 0;
  private readonly seen = new Set<string>();
  private cut = false;

  constructor(
    private readonly source: InstructionSource,
    private readonly cap = INSTRUCTIONS_CAP,
  ) {}

  /** The instructions of `dir` not loaded before (the root's first, then each folder the run touches). */
  async load(dir: string): Promise<Instructions> {
    const files: string[] = [];
    const parts: string[] = [];
    let warning: string | undefined;
    const names = dir === "" ? INSTRUCTION_FILES : INSTRUCTION_FILES.filter((n) => !n.includes("/"));
    for (const name of names) {
      const path = dir ? posix.join(dir, name) : name;
      if (this.seen.has(path)) continue;
      this.seen.add(path);
      const content = (await this.source(path))?.trim();
      if (!content) continue;
      const room = this.cap - this.used;
      if (room <= 0) {
        warning ??= this.warn(path, content.length);
        continue;
      }
      const kept = content.length <= room ? content : content.slice(0, room);
      if (kept.length < content.length) warning ??= this.warn(path, content.length - kept.length);
      this.used += kept.length;
      files.push(path);
      parts.push(`<instructions file="${path}">\n${kept}\n</instructions>`);
    }
    return { text: parts.join("\n\n"), files, ...(warning ? { warning } : {}) };
  }

  /** The folders from the root down to the file at `path`, whose instructions are not loaded yet. */
  async forPath(path: string): Promise<Instructions> {
    const dirs: string[] = [];
    const parts = posix.normalize(path).split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.push(parts.slice(0, i).join("/"));
    // One folder at a time, top down: the shared budget goes to the folders nearest the root first.
    const loaded: Instructions[] = [];
    for (const d of dirs) if (d && !d.startsWith("..")) loaded.push(await this.load(d));
    const warning = loaded.find((l) => l.warning)?.warning;
    return {
      text: loaded
        .map((l) => l.text)
        .filter(Boolean)
        .join("\n\n"),
      files: loaded.flatMap((l) => l.files),
      ...(warning ? { warning } : {}),
    };
  }

  get truncated(): boolean {
    return this.cut;
  }

  private warn(path: string, dropped: number): string {
    this.cut = true;
    return `Instruction files exceed ${this.cap.toLocaleString("en")} characters: ${dropped.toLocaleString("en")} characters of ${path} were left out.`;
  }
}
