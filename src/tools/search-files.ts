import { constants } from "node:fs";
import { lstat, open, readdir, readlink, realpath } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { ignored, rulesIn, type IgnoreRules } from "../guard/sources/walk-files.js";

/**
 * The files the JavaScript search paths read, walked so that a hostile tree cannot lead them astray: no
 * symbolic link is followed (a link to `/` or to `/proc/self/environ`), nothing but regular files is
 * opened (a FIFO would block an open() forever, and with it a thread of libuv's small pool), every read
 * is capped, and so are the entries walked and the time taken. Like git, `.gitignore` files and
 * `.git/info/exclude` are honoured and `.git` is skipped.
 *
 * The guard's walkFiles does the same walk but reads ignore files by following links and blocking on
 * FIFOs; it scans trusted moments (before a push), these tools run on whatever the agent left behind.
 */

export interface WalkLimits {
  /** Entries (files and folders) looked at before the walk stops. */
  maxEntries: number;
  /** Date.now() past which the walk stops. */
  deadline: number;
  signal: AbortSignal;
}

/** Why a walk stopped early; undefined while it has not. */
export type WalkStop = "entries" | "time" | "aborted";

export interface Walk {
  stopped?: WalkStop;
}

// Open flags for anything read: a link in the last component fails (ELOOP) instead of being followed,
// and opening a FIFO returns at once instead of waiting for a writer.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The content of the regular file at `path`, or why not: not a regular file (a link, a FIFO, a device,
 * a folder), or larger than `maxBytes` (at most `maxBytes + 1` bytes are ever read). `root` is the
 * real worktree: where /proc tells what was opened, a file that is not inside it is refused too (a
 * folder swapped for a link after the walk listed it).
 */
export async function readRegularFile(
  root: string,
  path: string,
  maxBytes: number,
): Promise<Buffer | "not-a-file" | "too-large"> {
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch {
    return "not-a-file";
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return "not-a-file";
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (opened !== undefined && !isInside(root, opened)) return "not-a-file";
    // The size is only a hint (a file may grow while read): the cap is on the bytes actually read.
    const limit = maxBytes + 1;
    let buffer = Buffer.allocUnsafe(Math.min(limit, stat.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length >= limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit, length * 2 + 64 * 1024));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > maxBytes ? "too-large" : buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * Yields the regular files under `start` (a real folder inside the real `root`) as "/"-separated paths
 * relative to `root`, sorted. Stops early when a limit is reached, saying why in `walk.stopped`.
 */
export async function* walkRegularFiles(
  root: string,
  start: string,
  limits: WalkLimits,
  walk: Walk,
): AsyncGenerator<string> {
  let entries = 0;
  const stop = (): boolean => {
    if (limits.signal.aborted) walk.stopped = "aborted";
    else if (Date.now() > limits.deadline) walk.stopped = "time";
    else if (entries >= limits.maxEntries) walk.stopped = "entries";
    return walk.stopped !== undefined;
  };

  async function* visit(dir: string, inherited: IgnoreRules[]): AsyncGenerator<string> {
    // The folder was listed as a folder: if it is a link now, someone swapped it; do not go there.
    if ((await realpath(dir).catch(() => undefined)) !== dir) return;
    const own = await rulesIn(dir, ".gitignore");
    const rules = own ? [...inherited, own] : inherited;
    const listed = await readdir(dir, { withFileTypes: true }).catch(() => []);
    listed.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of listed) {
      if (stop()) return;
      entries++;
      if (entry.name === ".git") continue;
      // Dirent types come from lstat: a link is neither a file nor a folder here, so it is skipped.
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue;
      const abs = join(dir, entry.name);
      if (ignored(rules, abs, isDir)) continue;
      if (isDir) yield* visit(abs, rules);
      else yield toPosix(relative(root, abs));
    }
  }

  yield* visit(start, await rulesAbove(root, start));
}

/** The ignore rules that apply to `start` from the root down to its parent. */
async function rulesAbove(root: string, start: string): Promise<IgnoreRules[]> {
  const found: IgnoreRules[] = [];
  const gitDir = await lstat(join(root, ".git")).catch(() => undefined);
  if (gitDir?.isDirectory()) {
    const exclude = await rulesIn(root, join(".git", "info", "exclude"));
    if (exclude) found.push(exclude);
  }
  const chain: string[] = [];
  for (let d = start; d !== root && isInside(root, d); d = dirname(d)) chain.unshift(dirname(d));
  for (const dir of chain) {
    const rules = await rulesIn(dir, ".gitignore");
    if (rules) found.push(rules);
  }
  // A folder named on purpose is searched even when git ignores it (`dist/`): only the ignore files
  // inside it then apply. Otherwise the search would read nothing and say "No matches".
  return start !== root && ignored(found, start, true) ? [] : found;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}
