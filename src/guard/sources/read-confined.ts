import { constants } from "node:fs";
import { lstat, open, readlink, realpath, type FileHandle } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * Reading a file of the work tree for the harness (instructions, the repository map, the editor tool…).
 * The harness runs unsandboxed with the GitHub token and the model key in its environment, and the work
 * tree is written by a hostile repository or by the model: a link to /proc/self/environ would hand the
 * keys to the model, a FIFO would block forever, /dev/zero or a huge sparse file would eat the memory.
 * So a read here never follows a link out of `root`, reads only regular files, never more than
 * `maxBytes`, and answers "skipped because …" instead of throwing.
 */
export type SkipReason = "missing" | "outside" | "not-a-file" | "too-big" | "unreadable";

export interface Skipped {
  ok: false;
  reason: SkipReason;
  /** Why, in a sentence (paths relative to the root only). */
  message: string;
}

export type ConfinedBytes = { ok: true; bytes: Buffer; size: number; truncated: boolean } | Skipped;
export type ConfinedText = { ok: true; text: string; size: number; truncated: boolean } | Skipped;

export interface ConfinedReadOptions {
  maxBytes: number;
  /** A file over `maxBytes`: skipped ("skip", the default) or its first `maxBytes` read ("truncate"). */
  overLimit?: "skip" | "truncate";
}

// O_NONBLOCK: opening a FIFO swapped in after the checks must not block (it would hold a libuv thread
// forever). O_NOFOLLOW: the final component swapped for a link fails with ELOOP instead of being followed.
const OPEN_FLAGS =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** `path` (relative to `root`, or absolute inside it) read as UTF-8 text; see readConfinedBytes. */
export async function readConfinedFile(
  root: string,
  path: string,
  options: ConfinedReadOptions,
): Promise<ConfinedText> {
  const read = await readConfinedBytes(root, path, options);
  if (!read.ok) return read;
  return { ok: true, text: read.bytes.toString("utf8"), size: read.size, truncated: read.truncated };
}

/**
 * The bytes of the regular file at `path` (relative to `root`, or absolute inside it). Links are
 * resolved, and followed only if they end inside `root`; `size` is the file's size as the file system
 * reports it (for a truncated read, what was left out).
 */
export async function readConfinedBytes(
  root: string,
  path: string,
  options: ConfinedReadOptions,
): Promise<ConfinedBytes> {
  let shown = JSON.stringify(path);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    const why = fromError(error, "the folder");
    return skip(why.reason, `${shown} cannot be read: ${why.message}`);
  }
  if (path.includes("\0")) return skip("outside", `${shown} contains a NUL character`);
  const wanted = isAbsolute(path) ? resolve(path) : resolve(realRoot, path);
  // An absolute path may name the root through the link the caller knows it by.
  const lexical = isInside(resolve(root), wanted)
    ? resolve(realRoot, relative(resolve(root), wanted))
    : wanted;
  if (!isInside(realRoot, lexical)) return skip("outside", `${shown} is outside the repository`);
  // From here on messages name the file relative to the root, whatever form the caller gave.
  shown = JSON.stringify(toPosix(relative(realRoot, lexical)) || ".");

  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    return fromError(error, shown);
  }
  if (!isInside(realRoot, real) || real === realRoot) {
    return real === realRoot
      ? skip("not-a-file", `${shown} is a directory`)
      : skip("outside", `${shown} leads outside the repository through a symbolic link`);
  }
  // Checked before opening too, so a device or a FIFO is not even opened when the tree holds one.
  try {
    const before = await lstat(real);
    if (!before.isFile()) return skip("not-a-file", `${shown} is ${kindOf(before)}, not a regular file`);
  } catch (error) {
    return fromError(error, shown);
  }
  return openInside(realRoot, real, shown, options);
}

/**
 * Opens `real` (already resolved and checked to be inside `realRoot`) and reads it, checking again on the
 * open file: a parent folder swapped for a link between the check and the open is caught by asking the
 * kernel where the opened file is, a final component swapped for a link by O_NOFOLLOW, and a FIFO or a
 * device swapped in by fstat. Exported for the tests of those races.
 */
export async function openInside(
  realRoot: string,
  real: string,
  shown: string,
  options: ConfinedReadOptions,
): Promise<ConfinedBytes> {
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (error) {
    return fromError(error, shown);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return skip("not-a-file", `${shown} is ${kindOf(info)}, not a regular file`);
    const where = await openedPath(handle.fd);
    const stillThere = where === undefined ? await sameFile(real, info) : isInside(realRoot, where);
    if (!stillThere) return skip("outside", `${shown} leads outside the repository`);
    const max = Math.max(0, Math.floor(options.maxBytes));
    const truncate = options.overLimit === "truncate";
    if (info.size > max && !truncate) return tooBig(shown, info.size, max);
    // Read by chunks up to max + 1 bytes whatever the size said (a file may grow, or lie about its size).
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= max) {
      const want = Math.min(CHUNK, max + 1 - total);
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buffer, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
    const bytes = Buffer.concat(chunks, total);
    if (total <= max) return { ok: true, bytes, size: Math.max(info.size, total), truncated: false };
    if (!truncate) return tooBig(shown, Math.max(info.size, total), max);
    return { ok: true, bytes: bytes.subarray(0, max), size: Math.max(info.size, total), truncated: true };
  } catch (error) {
    return fromError(error, shown);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Where the kernel says the open file is (Linux); undefined where /proc is not there to ask. */
async function openedPath(fd: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Without /proc: the path, resolved again, must still name the very file that was opened. */
async function sameFile(real: string, info: { dev: number; ino: number }): Promise<boolean> {
  try {
    const now = await lstat(await realpath(real));
    return now.dev === info.dev && now.ino === info.ino;
  } catch {
    return false;
  }
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isSymbolicLink()) return "a symbolic link";
  return "a device";
}

function fromError(error: unknown, shown: string): Skipped {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return skip("missing", `${shown} does not exist`);
  // ELOOP: a loop of links, or (with O_NOFOLLOW) the file became a link after it was checked.
  if (code === "ELOOP") return skip("outside", `${shown} is a symbolic link that cannot be followed safely`);
  if (code === "EISDIR") return skip("not-a-file", `${shown} is a directory`);
  return skip("unreadable", `${shown} cannot be read (${code ?? "error"})`);
}

function tooBig(shown: string, size: number, max: number): Skipped {
  return skip("too-big", `${shown} is ${size} bytes, over the limit of ${max}`);
}

function skip(reason: SkipReason, message: string): Skipped {
  return { ok: false, reason, message };
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
