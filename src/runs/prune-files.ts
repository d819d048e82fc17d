import { lstat, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * Removes the regular files under `dir` (transcripts, journals), at any depth, last modified before
 * `before`; returns how many. Symbolic links are neither followed nor removed, so nothing outside `dir`
 * is touched; folders are kept, empty or not. A missing `dir` is 0. A file that goes away meanwhile is
 * passed over; any other error (a folder it may not read) is thrown.
 */
export async function pruneOlderThan(dir: string, before: Date): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isCode(err, "ENOENT")) return 0;
    throw err;
  }
  let removed = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // A Dirent's type is the entry's own (lstat's): a link to a folder is a link, not a folder.
    if (entry.isDirectory()) {
      removed += await pruneOlderThan(path, before);
    } else if (entry.isFile()) {
      removed += (await removeIfOlder(path, before)) ? 1 : 0;
    }
  }
  return removed;
}

async function removeIfOlder(path: string, before: Date): Promise<boolean> {
  try {
    const stat = await lstat(path);
    if (!stat.isFile() || stat.mtimeMs >= before.getTime()) return false;
    await unlink(path);
    return true;
  } catch (err) {
    if (isCode(err, "ENOENT")) return false;
    throw err;
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}
