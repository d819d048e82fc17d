import { posix } from "node:path";
import { git } from "../../workspace/git.js";
import { readConfinedFile } from "../../guard/sources/read-confined.js";
import { readBlobHead } from "./read-blob-head.js";

/** The instruction files people already write for agents, read in this order in each folder. */
export const INSTRUCTION_FILES = [
  "PATCHWRIGHT.md",
  "AGENTS.md",
  "CLAUDE.md",
  ".github/copilot-instructions.md",
];
/** Like the leaked harness, and for the same reason: past this, instructions crowd out the work. */
export const INSTRUCTIONS_CAP = 40_000;
/**
 * The most bytes read of one instruction file: enough for the whole cap (a character is at most 4 bytes
 * of UTF-8), so a bigger file is cut by the cap like any other, and a 2 GB one costs no more than this.
 */
export const INSTRUCTION_FILE_MAX_BYTES = 4 * INSTRUCTIONS_CAP;

/** Where instruction files are read from: the worktree, or a git ref (a pull request's base). */
export type InstructionSource = (path: string) => Promise<string | undefined>;

/**
 * Files of the work tree, which the repository and the model both write: read only if they are regular
 * files inside `root` (a link to /proc/self/environ, a FIFO or /dev/zero reads as absent), at most
 * INSTRUCTION_FILE_MAX_BYTES of each. Of a bigger file the beginning is read, and the cap's warning says it
 * was cut (counting only the characters read).
 */
export function worktreeSource(root: string): InstructionSource {
  return async (path) => {
    const read = await readConfinedFile(root, path, {
      maxBytes: INSTRUCTION_FILE_MAX_BYTES,
      overLimit: "truncate",
    });
    return read.ok ? read.text : undefined;
  };
}

/**
 * Files as they are on `ref`. On a pull request this is the base branch: instructions are trusted text,
 * and the head is written by whoever opened the pull request. Only regular files (a link is stored as its
 * target's name, not followed), and at most INSTRUCTION_FILE_MAX_BYTES of each: a blob of gigabytes of
 * zeros compresses to a few megabytes, so a small repository can hold one.
 */
export function gitRefSource(repo: string, ref: string): InstructionSource {
  return async (path) => {
    try {
      const listed = await git(repo, ["--literal-pathspecs", "ls-tree", "-z", ref, "--", path]);
      const oid = regularBlob(listed, path);
      return oid === undefined ? undefined : await readBlobHead(repo, oid, INSTRUCTION_FILE_MAX_BYTES);
    } catch {
      return undefined;
    }
  };
}

/** The blob id of `path` in an `ls-tree -z` listing, if it is a regular file (not a link, folder or submodule). */
function regularBlob(listed: string, path: string): string | undefined {
  for (const record of listed.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0 || record.slice(tab + 1) !== path) continue;
    const [mode, type, oid] = record.slice(0, tab).split(" ");
    if ((mode === "100644" || mode === "100755") && type === "blob") return oid;
  }
  return undefined;
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
