import { isAbsolute, relative, sep } from "node:path";
import { readConfinedBytes, readConfinedFile } from "../../guard/sources/read-confined.js";
import { languageOf } from "./languages.js";
import { rankFiles } from "./rank.js";
import { compare, estimateTokens, outlineLines, treeLines } from "./render.js";
import { extractTags, type FileTags } from "./tags.js";
import { walkFiles } from "../../guard/sources/walk-files.js";

export type { Definition, FileTags } from "./tags.js";
export { estimateTokens } from "./render.js";

export interface RepoMapOptions {
  /** The most tokens (characters / 3.5) the map may take. Default 4000. */
  budgetTokens?: number;
  /** Paths (relative to the root, or absolute inside it) mentioned in the request or touched: ranked up. */
  focus?: string[];
  /** The request's text: files whose path or symbols match its words are ranked up. */
  query?: string;
  /** The most source files parsed for symbols (focus files first, then in path order). Default 5000. */
  maxFiles?: number;
}

export interface RepoMap {
  text: string;
  /** Files listed (outlined or in the tree). */
  files: number;
  /** Files shown with an outline. */
  outlined: number;
  tokens: number;
}

const MAX_BYTES = 512 * 1024;
const SNIFF_BYTES = 8000;
/** The share of the budget the outlines may take before the folder tree of the rest. */
const OUTLINE_SHARE = 0.8;

/**
 * The repository map for the system prompt: the outlines (definitions with their lines) of the files that rank
 * highest, the way aider ranks them, then the other files as a compact folder tree, within `budgetTokens`.
 * The same tree and options give byte-identical text.
 */
export async function buildRepoMap(root: string, opts: RepoMapOptions = {}): Promise<RepoMap> {
  const budget = opts.budgetTokens ?? 4000;
  const files = await listFiles(root);
  const focus = new Set((opts.focus ?? []).map((f) => normalise(root, f)));
  const tags = await parseFiles(root, files, focus, opts.maxFiles ?? 5000);

  const words = requestWords(opts.query ?? "");
  const boost = new Map<string, number>();
  for (const path of files) {
    let b = focus.has(path) ? 100 : 0;
    if (words.size > 0) {
      if (splitWords(path).some((w) => words.has(w))) b += 20;
      const t = tags.get(path);
      if (t?.defs.some((d) => words.has(d.name.toLowerCase()))) b += 20;
    }
    if (b > 0) boost.set(path, b);
  }
  const scores = rankFiles({ paths: files, tags, boost, mentioned: words });
  const order = files.map((path, i) => ({ path, score: scores[i]! }));
  order.sort((a, b) => b.score - a.score || compare(a.path, b.path));

  const lines: string[] = [];
  const fits = (extra: string[], limit: number): boolean =>
    estimateTokens(`${[...lines, ...extra].join("\n")}\n`) <= limit;
  const outlineLimit = Math.floor(budget * OUTLINE_SHARE);
  const outlined = new Set<string>();
  for (const { path } of order) {
    const defs = tags.get(path)?.defs ?? [];
    if (defs.length === 0) continue;
    const block = outlineLines(path, defs);
    if (fits(block, outlineLimit)) {
      lines.push(...block);
    } else {
      // Show as much of the next file's outline as still fits, then stop: rank order is kept.
      let n = block.length - 1;
      while (n > 1 && !fits([...block.slice(0, n), "  ..."], outlineLimit)) n--;
      if (n > 1) {
        lines.push(...block.slice(0, n), "  ...");
        outlined.add(path);
      }
      break;
    }
    outlined.add(path);
  }

  const rest = files.filter((p) => !outlined.has(p));
  const tree = treeLines(rest);
  const treeOut: string[] = [];
  let shown = 0;
  for (const { line, files: count } of tree) {
    const remaining = rest.length - shown - count;
    const tail = remaining > 0 ? [`... ${remaining} more files`] : [];
    if (!fits([...treeOut, line, ...tail], budget)) break;
    treeOut.push(line);
    shown += count;
  }
  if (shown < rest.length) {
    const more = `... ${rest.length - shown} more files`;
    if (fits([...treeOut, more], budget)) treeOut.push(more);
  }
  lines.push(...treeOut);
  const text = lines.length > 0 ? `${lines.join("\n")}\n` : "";
  return { text, files: files.length, outlined: outlined.size, tokens: estimateTokens(text) };
}

/**
 * The files under `root` the map may list: not ignored, not binary, not over 512 KB. Each is read through
 * readConfinedBytes (regular files inside the tree only, never more than asked), here its first 8 KB.
 */
async function listFiles(root: string): Promise<string[]> {
  const all: string[] = [];
  for await (const path of walkFiles(root, root)) all.push(path);
  const keep = await mapLimit(all, 32, async (path) => {
    const head = await readConfinedBytes(root, path, { maxBytes: SNIFF_BYTES, overLimit: "truncate" });
    return head.ok && head.size <= MAX_BYTES && !head.bytes.includes(0);
  });
  return all.filter((_, i) => keep[i]);
}

/** The tags of up to `max` source files (focus files first), in path order. */
async function parseFiles(
  root: string,
  files: string[],
  focus: ReadonlySet<string>,
  max: number,
): Promise<Map<string, FileTags>> {
  const sources = files.filter((p) => languageOf(p) !== undefined);
  const chosen = new Set([...sources.filter((p) => focus.has(p)), ...sources].slice(0, Math.max(0, max)));
  const picked = sources.filter((p) => chosen.has(p));
  const results = await mapLimit(picked, 8, async (path) => {
    try {
      const read = await readConfinedFile(root, path, { maxBytes: MAX_BYTES });
      return read.ok ? await extractTags(languageOf(path)!, read.text) : undefined;
    } catch {
      return undefined; // unreadable or unparsable: the file is listed without an outline
    }
  });
  const tags = new Map<string, FileTags>();
  picked.forEach((path, i) => {
    const t = results[i];
    if (t) tags.set(path, t);
  });
  return tags;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function normalise(root: string, path: string): string {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  return rel
    .split(sep)
    .join("/")
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "");
}

const STOP_WORDS = new Set([
  "the",
  "and",
  "for",
  "with",
  "this",
  "that",
  "from",
  "into",
  "when",
  "add",
  "fix",
]);

/** The request's words (lower case, 3+ characters), also split at camelCase and snake_case boundaries. */
function requestWords(query: string): Set<string> {
  const words = new Set<string>();
  for (const token of query.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    for (const w of [token.toLowerCase(), ...splitWords(token)]) {
      if (w.length >= 3 && !STOP_WORDS.has(w)) words.add(w);
    }
  }
  return words;
}

function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}
