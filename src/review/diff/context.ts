import type { Hunk } from "./patch.js";

// A hunk shows three lines around a change; the model judges it better knowing which function it sits
// in. A cheap, language-agnostic rule finds that function: walk up from the change to the nearest line
// that is indented less and looks like a definition. It is only context, so a miss costs little.

/** The most lines of context added above a hunk; a function header further up is shown alone. */
export const MAX_CONTEXT_LINES = 40;
/** How far up to look for the header at all. */
const MAX_SEARCH_LINES = 300;
/** Longer lines are not definitions anyone wrote by hand; skipping them also bounds the regexes' work. */
const MAX_HEADER_CHARS = 300;

/** Unchanged lines of the new file shown above a hunk. */
export interface ContextLines {
  /** The new-file number of the first line. */
  startLine: number;
  lines: string[];
}

const DEFINITION =
  /^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:export|default|declare|public|private|protected|internal|static|abstract|final|override|async|unsafe|pub(?:\([^)]*\))?|extern|inline|virtual|open|sealed|data|suspend|synchronized|partial)\s+)*(?:function\*?|class|interface|enum|struct|trait|impl|namespace|module|mod|def|fn|func|fun|sub|object|type\s+\w+\s+(?:struct|interface))(?=[\s(<*{]|$)/;
const ARROW_FUNCTION =
  /^\s*(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*(?::[^=]*)?=\s*(?:async\s+)?(?:function\b|(?:\([^)]*\)|[\w$]+)\s*(?::[^=]*)?=>)/;
/** A method or C-like function: a name, a parameter list and an opening brace ending the line. */
const BRACED_SIGNATURE = /^\s*[^=;(){}]*?\b[A-Za-z_$][\w$]*\s*(?:<[^>]*>\s*)?\([^;]*\)[^;={}]*\{\s*$/;
const NOT_A_DEFINITION =
  /^\s*(?:\}|(?:if|else|for|foreach|while|do|switch|case|catch|try|finally|return|throw|new|await|yield|with|elif|except|match|when|unless|until|loop|select|defer|go|using|lock)\b)/;

export function looksLikeDefinition(line: string): boolean {
  if (line.length > MAX_HEADER_CHARS || NOT_A_DEFINITION.test(line)) return false;
  return DEFINITION.test(line) || ARROW_FUNCTION.test(line) || BRACED_SIGNATURE.test(line);
}

function indentation(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === " ") width += 1;
    else if (ch === "\t") width += 4;
    else break;
  }
  return width;
}

/**
 * The lines from the definition enclosing the hunk's first change down to just above the hunk, or the
 * definition's line alone when it is more than MAX_CONTEXT_LINES up. Undefined when the hunk already
 * shows it, nothing encloses the change, or it would reach into lines at or above `floor` (the end of the
 * previous hunk, already shown).
 *
 * `fileLines` is the new file, `fileLines[0]` being line 1.
 */
export function enclosingContext(
  fileLines: readonly string[],
  hunk: Hunk,
  floor = 0,
): ContextLines | undefined {
  const firstChange = hunk.lines.find((l) => l.kind === "add" && l.text.trim() !== "")?.newLine;
  if (firstChange === undefined) return undefined;
  let indent = indentation(fileLines[firstChange - 1] ?? "");
  const lowest = Math.max(floor + 1, firstChange - MAX_SEARCH_LINES, 1);
  for (let n = firstChange - 1; n >= lowest && indent > 0; n--) {
    const line = fileLines[n - 1];
    if (line === undefined || line.trim() === "") continue;
    const own = indentation(line);
    if (own >= indent) continue;
    indent = own;
    if (!looksLikeDefinition(line)) continue;
    if (n >= hunk.newStart) return undefined;
    if (hunk.newStart - n <= MAX_CONTEXT_LINES)
      return { startLine: n, lines: fileLines.slice(n - 1, hunk.newStart - 1) };
    return { startLine: n, lines: [line] };
  }
  return undefined;
}
