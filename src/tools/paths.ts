import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A path the model asked for that we refuse; the message is written for the model. */
export class PathError extends Error {
  override readonly name = "PathError";
}

const MAX_LINKS = 40;

/**
 * The real absolute path of `path` (absolute, or relative to `root`), refusing anything that lands
 * outside `root`. `..` is resolved, and so are symbolic links — also in the parts that do not exist
 * yet (the deepest existing ancestor is resolved, and a dangling link is followed to its target), so
 * writing to the returned path can never go through a link to outside.
 *
 * Limits: a check, then a use; a process racing us (swapping a folder for a link in between) is the
 * sandbox's business, not this function's.
 */
export function resolveInside(root: string, path: string): string {
  if (typeof path !== "string" || path.trim() === "") throw new PathError("The path is empty.");
  if (path.includes("\0")) throw new PathError("The path contains a NUL character.");
  const realRoot = realpathSync(root);
  const wanted = isAbsolute(path) ? resolve(path) : resolve(realRoot, path);
  // An absolute path may name the root through the link the caller knows it by.
  const lexical = isInside(resolve(root), wanted) ? join(realRoot, relative(resolve(root), wanted)) : wanted;
  const real = realish(lexical, 0);
  if (!isInside(realRoot, real)) {
    throw new PathError(
      `The path "${path}" is outside the repository (${realRoot}); only files inside it can be used.`,
    );
  }
  return real;
}

/** Refuses writes under `.git` (at any depth: also the `.git` file of a worktree or submodule). */
export function assertWritable(root: string, absPath: string): void {
  const rel = relative(realpathSync(root), absPath);
  if (rel.split(sep).some((part) => part.toLowerCase() === ".git")) {
    throw new PathError(
      `Refusing to write "${toPosix(rel)}": files under .git are managed by patchwright, not edited directly.`,
    );
  }
}

/** `abs` relative to the real root, "/"-separated ("." for the root). */
export function displayPath(root: string, abs: string): string {
  const rel = relative(realpathSync(root), abs);
  return rel === "" ? "." : toPosix(rel);
}

function realish(path: string, depth: number): string {
  if (depth > MAX_LINKS) throw new PathError("Too many levels of symbolic links.");
  try {
    return realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw new PathError(`Cannot resolve the path: ${code}`);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = realish(parent, depth);
  const here = join(realParent, basename(path));
  let isLink = false;
  try {
    isLink = lstatSync(here).isSymbolicLink();
  } catch {
    // does not exist: the realParent + name is the answer
  }
  // A dangling link: a write would create its target, so the target is what must be inside.
  if (isLink) return realish(resolve(realParent, readlinkSync(here)), depth + 1);
  return here;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}
