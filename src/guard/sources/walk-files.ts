import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { readConfinedFile } from "./read-confined.js";

const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** One ignore file's patterns, and the folder they are relative to. */
export interface IgnoreRules {
  base: string;
  ig: Ignore;
}

/** A path the walk does not read: a symbolic link (never followed), or a FIFO, socket or device. */
export type OnWalkSkip = (path: string, reason: "symlink" | "special") => void;

/**
 * Yields the files under `dir` as paths relative to `root` ("/"-separated, sorted), honouring the
 * ignore files git would: every `.gitignore` from the repository's top down to each folder, and
 * `.git/info/exclude`. `.git` itself is skipped, and symbolic links are not followed: they could lead
 * outside. What is neither a file nor a folder, and not ignored, is told to `onSkip`.
 */
export async function* walkFiles(root: string, dir: string, onSkip?: OnWalkSkip): AsyncGenerator<string> {
  yield* walk(root, dir, await ancestorRules(dir), onSkip);
}

async function* walk(
  root: string,
  dir: string,
  inherited: IgnoreRules[],
  onSkip: OnWalkSkip | undefined,
): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  // Only a folder listing a .gitignore costs a read: most folders have none.
  const own = entries.some((e) => e.name === ".gitignore") ? await rulesIn(dir, ".gitignore") : undefined;
  const rules = own ? [...inherited, own] : inherited;
  for (const entry of entries) {
    if (entry.name === ".git") continue;
    const abs = join(dir, entry.name);
    const isDir = entry.isDirectory();
    const isFile = entry.isFile();
    if (ignored(rules, abs, isDir)) continue;
    if (isDir) yield* walk(root, abs, rules, onSkip);
    else if (isFile) yield toPosix(relativeTo(root, abs));
    else onSkip?.(toPosix(relativeTo(root, abs)), entry.isSymbolicLink() ? "symlink" : "special");
  }
}

/** The ignore rules that apply to `dir` from above it, up to the top of its git repository (if any). */
async function ancestorRules(dir: string): Promise<IgnoreRules[]> {
  const above: string[] = [];
  let top = existsSync(join(dir, ".git")) ? dir : undefined;
  for (let d = dir; !top && dirname(d) !== d;) {
    d = dirname(d);
    above.unshift(d);
    if (existsSync(join(d, ".git"))) top = d;
  }
  if (!top) return [];
  const found = [
    await rulesIn(top, join(".git", "info", "exclude")),
    ...(await Promise.all(above.map((d) => rulesIn(d, ".gitignore")))),
  ].filter((r): r is IgnoreRules => r !== undefined);
  // A folder named on purpose is scanned even when git ignores it (`dist/` before a publish): only the
  // ignore files inside it then apply. Otherwise the scan would read nothing and report it clean.
  return dir !== top && ignored(found, dir, true) ? [] : found;
}

/** An ignore file is read confined: a link to /dev/zero or a FIFO in a scanned tree must not stall a scan. */
export async function rulesIn(base: string, file: string): Promise<IgnoreRules | undefined> {
  const read = await readConfinedFile(base, file, { maxBytes: MAX_IGNORE_FILE_BYTES, overLimit: "truncate" });
  return read.ok ? { base, ig: ignore().add(read.text) } : undefined;
}

/** Whether git would ignore `abs` under these rules, the last matching pattern winning. */
export function ignored(rules: IgnoreRules[], abs: string, isDir: boolean): boolean {
  let result = false;
  for (const { base, ig } of rules) {
    const rel = toPosix(relativeTo(base, abs));
    const { ignored: yes, unignored } = ig.test(isDir ? `${rel}/` : rel);
    if (yes) result = true;
    else if (unignored) result = false;
  }
  return result;
}

/**
 * `abs` relative to `base`. The walk's paths are normalised and lie inside the root and every ignore
 * file's folder, so a slice does what path.relative would, which normalises both again: it ran for every
 * file, once per ignore file and once more for the file's own name.
 */
function relativeTo(base: string, abs: string): string {
  const prefix = base.endsWith(sep) ? base : base + sep;
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : relative(base, abs);
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}
