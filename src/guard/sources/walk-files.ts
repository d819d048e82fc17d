import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

interface Rules {
  base: string;
  ig: Ignore;
}

/**
 * Yields the files under `dir` (paths relative to `root`, "/"-separated, sorted), honouring every
 * `.gitignore` on the way down as git does. Symbolic links are not followed: they could lead outside.
 */
export async function* walkFiles(root: string, dir: string, inherited: Rules[] = []): AsyncGenerator<string> {
  const rel = relative(root, dir);
  const rules = [...inherited];
  const gitignore = await readFile(join(dir, ".gitignore"), "utf8").catch(() => undefined);
  if (gitignore !== undefined) rules.push({ base: rel, ig: ignore().add(gitignore) });

  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name === ".git") continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const isDir = entry.isDirectory();
    if (!isDir && !entry.isFile()) continue;
    if (ignored(rules, path, isDir)) continue;
    if (isDir) yield* walkFiles(root, join(dir, entry.name), rules);
    else yield path;
  }
}

function ignored(rules: Rules[], path: string, isDir: boolean): boolean {
  let result = false;
  for (const { base, ig } of rules) {
    const sub = base ? path.slice(base.length + 1) : path;
    const { ignored: yes, unignored } = ig.test(isDir ? `${sub}/` : sub);
    if (yes) result = true;
    else if (unignored) result = false;
  }
  return result;
}

function relative(root: string, dir: string): string {
  return dir === root
    ? ""
    : dir
        .slice(root.length + 1)
        .split("\\")
        .join("/");
}
