/**
 * Markdown parsers take superlinear time on some inputs (nested containers, runs of `]`, many small
 * blocks): micromark needs minutes for 64 KiB of them. Comments are read before their author is checked,
 * so only the first READ_LIMIT characters and READ_LINES lines are parsed, and a line that opens more than
 * MAX_NESTING containers ends the reading. Measured worst case for one parse at this size: about 25 ms on
 * a busy 2-core machine.
 */
export const READ_LIMIT = 4000;
export const READ_LINES = 200;
const MAX_NESTING = 12;
/** Reference definitions after the part read are re-declared before it, up to this many characters. */
const MAX_DEFINITIONS = 2000;

/**
 * How much of `text` to parse: all of it when short; else whole lines, at most READ_LIMIT characters and
 * READ_LINES lines, and never a line that opens more than MAX_NESTING containers (`> > …`, `1. 1. …`).
 */
export function readWindow(text: string): { end: number; complete: boolean } {
  let limit = Math.min(text.length, READ_LIMIT);
  for (let start = 0, line = 0; start < limit; line++) {
    const newline = text.indexOf("\n", start);
    const lineEnd = newline < 0 ? text.length : newline;
    if (line === READ_LINES || nesting(text.slice(start, lineEnd)) > MAX_NESTING) {
      limit = start;
      break;
    }
    start = lineEnd + 1;
  }
  if (limit === text.length) return { end: limit, complete: true };
  const end = text[limit - 1] === "\n" ? limit : text.lastIndexOf("\n", limit - 1) + 1;
  return { end, complete: false };
}

const LEADING = /^[ \t>*+\-.)0-9]*/;
const CONTAINER_MARKER = /(?<![^ \t>])(?:>|[-*+](?![^ \t])|\d{1,9}[.)](?![^ \t]))/g;

/** How many block quote and list markers open a line. */
function nesting(line: string): number {
  const lead = LEADING.exec(line)?.[0] ?? "";
  return lead.match(CONTAINER_MARKER)?.length ?? 0;
}

/** `[label]:` and `[^label]:` at a line's start, after any quote and list markers (an over-estimate). */
const DEFINITION = /^[ \t>*+\-.)0-9]*\[((?:[^[\]\\\n]|\\.){1,999})\]:/gm;

/**
 * A reference link (`[text][label]`, `[label]`) or footnote call is one only if its label is defined, and
 * a definition may come after the part that is parsed. Those labels are defined again before the text
 * (which a blank line separates from them), so that such links stay links; `undefined` if too many.
 */
export function definitionsAfter(rest: string): string | undefined {
  const links = new Set<string>();
  const notes = new Set<string>();
  for (const m of rest.matchAll(DEFINITION)) {
    const label = m[1] ?? "";
    (label.startsWith("^") ? notes : links).add(label);
  }
  if (links.size === 0 && notes.size === 0) return "";
  // Link definitions first: one cannot interrupt the paragraph of a footnote definition.
  const header =
    [...links].map((l) => `[${l}]: #\n`).join("") + "\n" + [...notes].map((l) => `[${l}]: x\n\n`).join("");
  return header.length > MAX_DEFINITIONS ? undefined : header;
}
