import type { Definition } from "./tags.js";

/** The repository map's token estimate: characters / 3.5, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** Most entries shown for one file; the rest are counted. */
const MAX_ENTRIES = 50;

/** The outline block of one file: `path:` and one indented `line: kind name` per definition. */
export function outlineLines(path: string, defs: Definition[]): string[] {
  const shown = defs.slice(0, MAX_ENTRIES).map((d) => `  ${d.line}: ${d.kind} ${d.name}`);
  if (defs.length > MAX_ENTRIES) shown.push(`  ... ${defs.length - MAX_ENTRIES} more`);
  return [`${path}:`, ...shown];
}

/**
 * The paths as a compact folder tree: one line per folder, indented by depth, naming the files directly in it
 * (`src/agent/: a.ts, b.ts`; top-level files on a `./:` line). Folders and files are in code-unit order.
 */
export function treeLines(paths: string[]): { line: string; files: number }[] {
  const byDir = new Map<string, string[]>();
  for (const path of paths) {
    const slash = path.lastIndexOf("/");
    const dir = slash < 0 ? "" : path.slice(0, slash);
    for (let d = dir; d !== "" && !byDir.has(d); d = parentOf(d)) byDir.set(d, []);
    const files = byDir.get(dir);
    if (files) files.push(path.slice(slash + 1));
    else byDir.set(dir, [path.slice(slash + 1)]);
  }
  const dirs = [...byDir.keys()].sort((a, b) => compare(treeKey(a), treeKey(b)));
  return dirs.map((dir) => {
    const files = byDir.get(dir)!.sort(compare);
    const depth = dir === "" ? 0 : dir.split("/").length - 1;
    const name = dir === "" ? "." : dir.slice(dir.lastIndexOf("/") + 1);
    const list = files.length > 0 ? `: ${files.join(", ")}` : "";
    return { line: `${"  ".repeat(depth)}${name}/${list}`, files: files.length };
  });
}

function parentOf(dir: string): string {
  const slash = dir.lastIndexOf("/");
  return slash < 0 ? "" : dir.slice(0, slash);
}

/** Sorts a folder right before its contents, and top-level files first. */
function treeKey(dir: string): string {
  return dir === "" ? "" : `\u0001${dir.split("/").join("\u0000")}`;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
