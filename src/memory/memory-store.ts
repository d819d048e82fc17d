/**
 * Long-term memory notes kept on a branch of the repository itself (`patchwright/memory`), so people can
 * read, edit and revert them like any other branch.
 *
 * The branch is read with git plumbing only (`rev-parse`, `ls-tree`, `show <commit>:<path>`): it is never
 * checked out, so neither the person's checkout nor the run's worktree is touched. Changes are held in
 * memory during the run; `commit()` scans every changed note with the leak guard and then writes them as
 * ONE commit with plumbing (blobs with `hash-object -w`, a tree built in a temporary index through
 * `GIT_INDEX_FILE`, `commit-tree`, and `update-ref` given the old value so a concurrent update is caught).
 *
 * Locally (`patchwright run`) the store works on the local repository's branch. Pushing the branch to
 * GitHub (and fetching it before a run on a fresh clone) is a later issue: nothing here talks to a remote.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { GuardConfig } from "../guard/config.js";
import { scanText } from "../guard/scan.js";
import { git, GitError } from "../workspace/git.js";

export const MEMORY_BRANCH = "patchwright/memory";
/** The directory the model sees; `/memories/x.md` is `x.md` on the branch. */
export const MEMORY_ROOT = "/memories";
/** A note longer than this (in characters) is refused. */
export const MAX_NOTE_CHARS = 100_000;
/**
 * A note on the branch bigger than this (in bytes: the longest note in UTF-8) is refused unread. The branch
 * can be pushed by anyone with write access, and a blob of gigabytes of zeros compresses to megabytes.
 */
export const MAX_NOTE_BYTES = 4 * MAX_NOTE_CHARS;
/** At most this many files on the branch, so the index and the listings stay small. */
export const MAX_NOTES = 500;
/** The notes index lists at most this many notes; dreaming keeps the branch under it. */
export const NOTES_INDEX_MAX_ENTRIES = 50;
/** A file of patchwright's own on the branch (a record, not a note) is at most this long. */
const MAX_OWN_FILE_CHARS = 10_000;
const MAX_PATH_CHARS = 200;
const FILE_MODE = "100644";

export interface MemoryAuthor {
  name: string;
  email: string;
}

export interface MemoryStoreOptions {
  /** A directory inside the repository (its checkout, or the run's worktree). */
  repoDir: string;
  /** The run's guard settings: every changed note is scanned with them before it is committed. */
  guard: GuardConfig;
  /** Branch name without `refs/heads/` (default `patchwright/memory`). */
  branch?: string;
}

/** One finding that blocked a commit: the rule and the redacted value, never the value itself. */
export interface MemoryFinding {
  path: string;
  line: number;
  ruleId: string;
  redacted: string;
}

export type MemoryCommitResult =
  | { status: "unchanged" }
  | { status: "committed"; commit: string; branch: string; created: boolean; changed: string[] }
  | { status: "blocked"; findings: MemoryFinding[]; message: string };

/** A bad path or a refused edit, written for the model. */
export class MemoryError extends Error {
  override readonly name = "MemoryError";
}

/** The branch moved between the read and the commit: nothing was written, the changes are still held. */
export class MemoryConflictError extends Error {
  override readonly name = "MemoryConflictError";
  constructor(
    readonly branch: string,
    readonly expected: string | null,
    readonly actual: string | null,
    readonly pending: string[],
  ) {
    super(
      `The branch ${branch} was updated by someone else while this run held changes ` +
        `(expected ${expected ?? "no branch"}, found ${actual ?? "no branch"}). Nothing was committed; ` +
        `the changed notes (${pending.join(", ")}) are still held by the store.`,
    );
  }
}

interface Entry {
  mode: string;
  type: string;
  /** The blob (or gitlink) id; absent for text written during this run and not yet hashed. */
  oid?: string | undefined;
  size: number;
  /** Text written during this run. */
  text?: string;
}

export interface MemoryListing {
  path: string;
  size: number;
}

/**
 * `/memories/a/b.md` → `a/b.md`; `/memories` → `` (the root). Refuses anything outside `/memories`,
 * relative paths, `.`/`..` segments (also URL-encoded), hidden names, backslashes and control characters.
 */
export function toBranchPath(memoryPath: string): string {
  const shown = JSON.stringify(memoryPath);
  const refuse = (why: string): never => {
    throw new MemoryError(`Refused path ${shown}: ${why}. Use a path under ${MEMORY_ROOT}.`);
  };
  if (memoryPath.length > MAX_PATH_CHARS) refuse(`longer than ${MAX_PATH_CHARS} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(memoryPath))
    refuse("control characters and backslashes are not allowed");
  if (/%2e|%2f|%5c/i.test(memoryPath)) refuse("encoded dots and slashes are not allowed");
  if (memoryPath !== MEMORY_ROOT && !memoryPath.startsWith(`${MEMORY_ROOT}/`)) {
    refuse(`every memory path starts with ${MEMORY_ROOT}/`);
  }
  const rest = memoryPath.slice(MEMORY_ROOT.length).replace(/\/+$/, "");
  if (rest === "") return "";
  const segments = rest.slice(1).split("/");
  for (const segment of segments) {
    if (segment === "") refuse("empty path segments are not allowed");
    if (segment === "." || segment === "..") refuse("`.` and `..` are not allowed");
    if (segment.startsWith(".")) refuse("hidden names (starting with a dot) are not allowed");
  }
  return segments.join("/");
}

export function toMemoryPath(branchPath: string): string {
  return branchPath === "" ? MEMORY_ROOT : `${MEMORY_ROOT}/${branchPath}`;
}

export class BranchMemoryStore {
  readonly branch: string;
  private readonly ref: string;
  private readonly repoDir: string;
  private readonly guard: GuardConfig;
  private loading: Promise<void> | undefined;
  private gitDir = "";
  /** The branch's commit when it was read (null: no branch yet). */
  private baseCommit: string | null = null;
  private base = new Map<string, Entry>();
  private current = new Map<string, Entry>();
  private readonly blobText = new Map<string, string>();

  constructor(options: MemoryStoreOptions) {
    this.branch = options.branch ?? MEMORY_BRANCH;
    this.ref = `refs/heads/${this.branch}`;
    this.repoDir = resolve(options.repoDir);
    this.guard = options.guard;
  }

  /** Reads the branch's tree (once; every other method calls it). */
  load(): Promise<void> {
    this.loading ??= this.readBranch().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** The commit the store read the branch at, or null when the branch does not exist yet. */
  async baseCommitId(): Promise<string | null> {
    await this.load();
    return this.baseCommit;
  }

  async exists(branchPath: string): Promise<"file" | "directory" | undefined> {
    await this.load();
    if (this.current.has(branchPath)) return "file";
    if (branchPath === "") return "directory";
    const prefix = `${branchPath}/`;
    for (const path of this.current.keys()) if (path.startsWith(prefix)) return "directory";
    return undefined;
  }

  /** Files under a directory (`` for the root), sorted, with sizes in bytes. */
  async list(dir: string): Promise<MemoryListing[]> {
    await this.load();
    const prefix = dir === "" ? "" : `${dir}/`;
    return [...this.current.entries()]
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, entry]) => ({ path, size: entry.size }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A file's text, or undefined when there is no such file. */
  async read(branchPath: string): Promise<string | undefined> {
    await this.load();
    const entry = this.current.get(branchPath);
    if (!entry) return undefined;
    if (entry.text !== undefined) return entry.text;
    if (entry.type !== "blob" || entry.oid === undefined || entry.mode === "120000") {
      throw new MemoryError(`${toMemoryPath(branchPath)} is not a regular file.`);
    }
    if (entry.size > MAX_NOTE_BYTES) {
      throw new MemoryError(
        `${toMemoryPath(branchPath)} is ${entry.size} bytes, over the ${MAX_NOTE_BYTES} a note may have; ` +
          `it was not read.`,
      );
    }
    return this.blob(entry.oid, branchPath);
  }

  /** A blob's text by id (the path may have moved during the run), cached. */
  private async blob(oid: string, branchPath: string): Promise<string> {
    const cached = this.blobText.get(oid);
    if (cached !== undefined) return cached;
    const text = await git(this.repoDir, ["cat-file", "blob", oid]);
    if (text.includes("\u0000")) throw new MemoryError(`${toMemoryPath(branchPath)} is a binary file.`);
    this.blobText.set(oid, text);
    return text;
  }

  /** Creates or overwrites a Markdown note (held until commit). */
  async write(branchPath: string, text: string): Promise<void> {
    await this.load();
    this.assertNote(branchPath);
    if (text.length > MAX_NOTE_CHARS) {
      throw new MemoryError(
        `The note is ${text.length} characters; the limit is ${MAX_NOTE_CHARS}. Keep notes short.`,
      );
    }
    if ((await this.exists(branchPath)) === "directory") {
      throw new MemoryError(`${toMemoryPath(branchPath)} is a directory.`);
    }
    this.assertParentsAreFree(branchPath);
    if (!this.current.has(branchPath) && this.current.size >= MAX_NOTES) {
      throw new MemoryError(`There are already ${MAX_NOTES} notes; delete or merge some first.`);
    }
    this.current.set(branchPath, { mode: FILE_MODE, type: "blob", size: Buffer.byteLength(text), text });
  }

  /**
   * Writes a file of patchwright's own at the branch's root (held until commit). Its name starts with a
   * dot, which the memory tool refuses, so the model can neither read nor change it.
   */
  async writeOwnFile(name: string, text: string): Promise<void> {
    await this.load();
    if (!/^\.[a-z0-9-]+\.json$/.test(name))
      throw new MemoryError(`${name} is not a name for a file of patchwright's own.`);
    if (text.length > MAX_OWN_FILE_CHARS)
      throw new MemoryError(`${name} would be over ${MAX_OWN_FILE_CHARS} characters.`);
    this.current.set(name, { mode: FILE_MODE, type: "blob", size: Buffer.byteLength(text), text });
  }

  /** Deletes a file, or a directory with everything in it; returns the files removed. */
  async remove(branchPath: string): Promise<string[]> {
    await this.load();
    if (branchPath === "") throw new MemoryError(`The ${MEMORY_ROOT} directory itself cannot be deleted.`);
    const kind = await this.exists(branchPath);
    if (kind === undefined) throw new MemoryError(`${toMemoryPath(branchPath)} does not exist.`);
    const removed = kind === "file" ? [branchPath] : (await this.list(branchPath)).map((l) => l.path);
    for (const path of removed) this.current.delete(path);
    return removed;
  }

  /** Moves a file or a directory; the destination must not exist. Returns the number of files moved. */
  async rename(from: string, to: string): Promise<number> {
    await this.load();
    if (from === "" || to === "")
      throw new MemoryError(`The ${MEMORY_ROOT} directory itself cannot be moved.`);
    const kind = await this.exists(from);
    if (kind === undefined) throw new MemoryError(`${toMemoryPath(from)} does not exist.`);
    if ((await this.exists(to)) !== undefined) throw new MemoryError(`${toMemoryPath(to)} already exists.`);
    if (to.startsWith(`${from}/`)) throw new MemoryError("A directory cannot be moved inside itself.");
    const moves: Array<[string, string]> =
      kind === "file"
        ? [[from, to]]
        : (await this.list(from)).map((l) => [l.path, to + l.path.slice(from.length)]);
    for (const [, target] of moves) this.assertNote(target);
    this.assertParentsAreFree(to);
    for (const [source, target] of moves) {
      const entry = this.current.get(source);
      if (!entry) continue;
      this.current.delete(source);
      this.current.set(target, entry);
    }
    return moves.length;
  }

  /** Paths (on the branch) added, changed or removed since the branch was read. */
  async pendingPaths(): Promise<string[]> {
    await this.load();
    const out = new Set<string>();
    for (const [path, entry] of this.current) {
      const before = this.base.get(path);
      if (!before) out.add(path);
      else if (entry.text !== undefined) {
        const was =
          before.type === "blob" && before.oid && before.size <= MAX_NOTE_BYTES
            ? await this.blob(before.oid, path).catch(() => null)
            : null;
        if (before.mode !== entry.mode || entry.text !== was) out.add(path);
      } else if (entry.oid !== before.oid || entry.mode !== before.mode) out.add(path);
    }
    for (const path of this.base.keys()) if (!this.current.has(path)) out.add(path);
    return [...out].sort();
  }

  /**
   * A short listing for the cached system prompt: each note's path and first non-empty line, at most
   * `maxEntries` of them. Empty notes say so.
   */
  async notesIndex(maxEntries = NOTES_INDEX_MAX_ENTRIES): Promise<string> {
    await this.load();
    const files = (await this.list("")).filter((f) => f.path.endsWith(".md"));
    if (files.length === 0) {
      return `No memory notes yet. Notes you create under ${MEMORY_ROOT} are kept on the branch ${this.branch}.`;
    }
    const lines = [`Memory notes (branch ${this.branch}); read them with the memory tool:`];
    for (const file of files.slice(0, maxEntries)) {
      let first = "";
      try {
        first = ((await this.read(file.path)) ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
      } catch {
        first = "(unreadable)";
      }
      first = first.trim();
      if (first.length > 100) first = `${first.slice(0, 99)}…`;
      lines.push(`- ${toMemoryPath(file.path)}${first === "" ? " (empty)" : ` — ${first}`}`);
    }
    if (files.length > maxEntries) lines.push(`- … and ${files.length - maxEntries} more`);
    return lines.join("\n");
  }

  /**
   * Writes every pending change as ONE commit on the branch (an orphan commit when the branch does not
   * exist yet). Each changed note, the paths and the message are scanned first: any finding blocks the
   * commit and nothing is written. Throws MemoryConflictError when the branch moved since it was read.
   */
  async commit(message: string, author: MemoryAuthor): Promise<MemoryCommitResult> {
    await this.load();
    const pending = await this.pendingPaths();
    if (pending.length === 0) return { status: "unchanged" };

    const findings: MemoryFinding[] = [];
    const scan = (text: string, path: string): void => {
      for (const f of scanText(text, this.guard)) {
        findings.push({ path, line: f.line, ruleId: f.ruleId, redacted: f.redacted });
      }
    };
    const written = pending.filter((path) => this.current.get(path)?.text !== undefined);
    for (const path of written) scan(this.current.get(path)?.text ?? "", toMemoryPath(path));
    scan(pending.join("\n"), "(paths)");
    scan(message, "(commit message)");
    if (findings.length > 0) {
      const rules = [...new Set(findings.map((f) => f.ruleId))].join(", ");
      const where = findings.map((f) => `${f.path}:${f.line} ${f.ruleId} ${f.redacted}`).join("; ");
      return {
        status: "blocked",
        findings,
        message: `The memory commit was blocked by the leak guard (${rules}): ${where}. Nothing was written.`,
      };
    }

    const temp = await mkdtemp(join(tmpdir(), "patchwright-memory-"));
    try {
      // Blobs: one temporary file per note written this run (changed or not), hashed as-is (no filters).
      const unhashed = [...this.current.entries()].filter(([, e]) => e.oid === undefined);
      const files = unhashed.map((_, i) => join(temp, `note-${i}`));
      await Promise.all(unhashed.map(([, e], i) => writeFile(files[i]!, e.text ?? "")));
      const oids =
        files.length === 0
          ? []
          : (await this.plumbing(temp, ["hash-object", "-w", "--no-filters", "--", ...files]))
              .trim()
              .split("\n");
      unhashed.forEach(([path, entry], i) => {
        if (!oids[i]) throw new Error(`git hash-object gave no id for ${toMemoryPath(path)}`);
        this.current.set(path, { ...entry, oid: oids[i] });
      });

      // The tree, built in a temporary index (never the repository's own index).
      const index = { GIT_INDEX_FILE: join(temp, "index") };
      await this.plumbing(temp, ["read-tree", "--empty"], index);
      const entries = [...this.current.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      for (let i = 0; i < entries.length; i += 200) {
        const args = entries
          .slice(i, i + 200)
          .flatMap(([path, e]) => ["--cacheinfo", `${e.mode},${e.oid ?? ""},${path}`]);
        await this.plumbing(temp, ["update-index", "--add", ...args], index);
      }
      const tree = (await this.plumbing(temp, ["write-tree"], index)).trim();

      const identity = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      };
      const parents = this.baseCommit ? ["-p", this.baseCommit] : [];
      const commit = (
        await this.plumbing(temp, ["commit-tree", tree, ...parents, "-m", message], identity)
      ).trim();

      try {
        // The old value ("" = must not exist yet) makes git refuse if the branch moved meanwhile.
        await this.plumbing(temp, [
          "update-ref",
          "-m",
          "patchwright: memory notes",
          this.ref,
          commit,
          this.baseCommit ?? "",
        ]);
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        const actual = await this.resolveBranch();
        throw new MemoryConflictError(this.branch, this.baseCommit, actual, pending.map(toMemoryPath));
      }

      const created = this.baseCommit === null;
      for (const [path, entry] of this.current) {
        if (entry.text !== undefined && entry.oid) this.blobText.set(entry.oid, entry.text);
        this.current.set(path, { mode: entry.mode, type: entry.type, oid: entry.oid, size: entry.size });
      }
      this.baseCommit = commit;
      this.base = new Map(this.current);
      return {
        status: "committed",
        commit,
        branch: this.branch,
        created,
        changed: pending.map(toMemoryPath),
      };
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  private async readBranch(): Promise<void> {
    this.gitDir = (await git(this.repoDir, ["rev-parse", "--absolute-git-dir"])).trim();
    this.baseCommit = await this.resolveBranch();
    this.base = new Map();
    if (this.baseCommit !== null) {
      const out = await git(this.repoDir, ["ls-tree", "-r", "-l", "-z", "--full-tree", this.baseCommit]);
      for (const record of out.split("\u0000")) {
        if (record === "") continue;
        const tab = record.indexOf("\t");
        const [mode = "", type = "", oid = "", size = "0"] = record.slice(0, tab).split(/ +/);
        const path = record.slice(tab + 1);
        this.base.set(path, { mode, type, oid, size: Number(size) || 0 });
      }
    }
    this.current = new Map(this.base);
  }

  private async resolveBranch(): Promise<string | null> {
    try {
      return (await git(this.repoDir, ["rev-parse", "--verify", "--quiet", `${this.ref}^{commit}`])).trim();
    } catch {
      return null;
    }
  }

  /**
   * Plumbing run against the git directory only (GIT_DIR set, cwd a temporary directory), so index paths
   * carry no worktree prefix and no worktree file is ever looked at.
   */
  private plumbing(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    return git(cwd, args, { GIT_DIR: this.gitDir, ...env });
  }

  private assertNote(branchPath: string): void {
    if (!branchPath.endsWith(".md") || branchPath.endsWith("/.md")) {
      throw new MemoryError(
        `Memory notes are Markdown files: use a path ending in .md (not ${toMemoryPath(branchPath)}).`,
      );
    }
  }

  /** A file cannot sit where a directory of the new path is (git trees cannot hold both). */
  private assertParentsAreFree(branchPath: string): void {
    const parts = branchPath.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (this.current.has(parent))
        throw new MemoryError(`${toMemoryPath(parent)} is a file, not a directory.`);
    }
  }
}
