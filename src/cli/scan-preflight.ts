import { existsSync } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { ScanError } from "../guard/scan-error.js";
import { describeFsError } from "../guard/sources/describe-fs-error.js";
import { git } from "../workspace/git.js";

/**
 * Checks made before a scan starts, so each mistake is one sentence saying what to do: a FIFO named on the
 * command line would block the read forever, and a link loop would otherwise read as "no such file".
 */
export async function checkNamedPath(
  cwd: string,
  shown: string,
  what: "folder-or-file" | "config",
): Promise<void> {
  const abs = resolve(cwd, shown);
  const link = await lstat(abs).catch((err: NodeJS.ErrnoException) => err);
  const named = what === "config" ? `the config ${shown}` : shown;
  if (link instanceof Error) throw new ScanError(describeFsError(link, named));
  const info = await stat(abs).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error) {
    if (info.code === "ENOENT")
      throw new ScanError(`${named} is a symbolic link to something that does not exist.`);
    throw new ScanError(describeFsError(info, named));
  }
  if (what === "config" && !info.isFile()) {
    throw new ScanError(
      `the config ${shown} is ${kindOf(info)}, not a file: pass --config with a YAML or JSON file.`,
    );
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw new ScanError(`${shown} is ${kindOf(info)}, not a file or folder: name files and folders to scan.`);
  }
}

/** The folder's repository top, or a sentence saying that `flag` needs one. */
export async function requireRepo(cwd: string, flag: string): Promise<string> {
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]).catch(() => undefined);
  if (top === undefined) {
    throw new ScanError(
      `${flag} scans a git repository, and ${cwd} is not in one: run it inside a repository.`,
    );
  }
  return top.trim();
}

/**
 * The folder's repository top, or `cwd` outside a repository. git finds a repository only through a
 * `.git` entry in the folder or above it (its environment never carries GIT_DIR: see safe-git.ts), so
 * without one there is no git process to start, which is most of an empty scan's time. A repository's
 * own `.git` folder (holding HEAD, objects and refs) has its top beside it, which is what git would say:
 * git is asked only for the rest (a worktree's or submodule's `.git` file, a folder inside `.git`),
 * saving the 30 ms or so of starting it that every scan waited for.
 */
export async function repoTopOrCwd(cwd: string): Promise<string> {
  const from = resolve(cwd);
  for (let d = from; ; d = dirname(d)) {
    const dotGit = join(d, ".git");
    if (existsSync(dotGit)) {
      // git's own test of a repository folder: HEAD, objects and refs. A folder that only looks like one
      // (a HEAD file planted in a subfolder) is not a top: git would go on upwards, and so is asked.
      const own =
        ["HEAD", "objects", "refs"].every((entry) => existsSync(join(dotGit, entry))) &&
        !`${from}${sep}`.startsWith(`${dotGit}${sep}`);
      return own
        ? d
        : git(cwd, ["rev-parse", "--show-toplevel"]).then(
            (out) => out.trim(),
            () => cwd,
          );
    }
    if (dirname(d) === d) return cwd;
  }
}

/** `--pack` runs `npm pack`, which needs the package's manifest. */
export async function requirePackage(cwd: string, dir: string): Promise<void> {
  const manifest = await stat(join(resolve(cwd, dir), "package.json")).catch(() => undefined);
  if (!manifest?.isFile()) {
    throw new ScanError(
      `--pack scans an npm package, and ${dir === "." ? "this folder" : dir} has no package.json: pass --pack with the package's folder.`,
    );
  }
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO (a named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}
