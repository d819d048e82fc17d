import type { Node } from "web-tree-sitter";
import { loadLanguage, type LanguageId, type LoadedLanguage } from "./languages.js";

/** A name a file defines: what kind of thing, and on which line (1-based). */
export interface Definition {
  name: string;
  kind: string;
  line: number;
}

export interface FileTags {
  /** Top-level and member definitions, in source order. */
  defs: Definition[];
  /** How often each identifier is used in the file, definitions' own names left out. */
  refs: Map<string, number>;
}

/**
 * The definitions and references of one source file. Tree-sitter recovers from syntax errors, so a broken file
 * still yields what parses; a file the parser cannot handle at all yields nothing.
 */
export async function extractTags(language: LanguageId, source: string): Promise<FileTags> {
  const lang = await loadLanguage(language);
  const tree = lang.parser.parse(source);
  if (!tree) return { defs: [], refs: new Map() };
  try {
    const defs: Definition[] = [];
    const nameAt = new Set<number>();
    for (const match of lang.defs.matches(tree.rootNode)) {
      const def = match.captures.find((c) => c.name.startsWith("def."));
      const name = match.captures.find((c) => c.name === "name");
      if (!def || !name || isLocal(lang, def.node)) continue;
      nameAt.add(name.node.startIndex);
      const kind = def.name.slice(4);
      defs.push({
        name: name.node.text,
        kind: kind === "function" && inClassBody(lang, def.node) ? "method" : kind,
        line: def.node.startPosition.row + 1,
      });
    }
    const refs = new Map<string, number>();
    for (const { node } of lang.refs.captures(tree.rootNode)) {
      if (nameAt.has(node.startIndex)) continue;
      const text = node.text;
      refs.set(text, (refs.get(text) ?? 0) + 1);
    }
    return { defs: dedupe(defs), refs };
  } finally {
    tree.delete();
  }
}

/** Whether `node` sits inside a function body (a local helper, not part of the file's outline). */
function isLocal(lang: LoadedLanguage, node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (lang.localScopes.has(p.type)) return true;
  return false;
}

const PASS_THROUGH = new Set(["block", "decorated_definition", "declaration_list"]);

function inClassBody(lang: LoadedLanguage, node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (lang.classBodies.has(p.type)) return true;
    if (!PASS_THROUGH.has(p.type)) return false;
  }
  return false;
}

/**
 * One entry per (line, name), in source order: two patterns may match the same definition (an exported arrow
 * function is both a function and an exported const), and the more specific kind wins.
 */
function dedupe(defs: Definition[]): Definition[] {
  const seen = new Set<string>();
  return defs
    .sort((a, b) => a.line - b.line || compare(a.name, b.name) || generic(a.kind) - generic(b.kind))
    .filter((d) => {
      const key = `${d.line}\0${d.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function generic(kind: string): number {
  return kind === "const" || kind === "var" ? 1 : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
