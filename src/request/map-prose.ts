import type { Html, Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import { htmlPieces, UNSPOKEN_ELEMENTS } from "./html-pieces.js";
import { definitionsAfter, readWindow } from "./read-window.js";

export { READ_LIMIT, READ_LINES } from "./read-window.js";

/** [from, to) in the text. */
export interface Span {
  from: number;
  to: number;
}

/** What a GitHub comment's Markdown is made of, as far as `readUpTo`. Spans are in document order. */
export interface ProseMap {
  /**
   * The commenter speaking: text of paragraphs, headings and list items that are not inside a quote, a
   * link, a table, a footnote definition, struck-out text or an element of UNSPOKEN_ELEMENTS; and the text
   * between the tags of raw HTML under the same conditions.
   */
  prose: Span[];
  /** Fenced and indented code blocks, inline code spans. */
  code: Span[];
  /** Markdown block quotes (whole lines, lazy continuation lines included) and `<blockquote>` elements. */
  quotes: Span[];
  /** The text was parsed up to here; after it, nothing is known (and nothing is prose). */
  readUpTo: number;
}

// Emphasis (`*`, `_`) is parsed as plain text: it is prose either way, and its resolution is quadratic.
const MICROMARK = [gfm(), { disable: { null: ["attention"] } }];
const MDAST = [gfmFromMarkdown()];

export type ParseMarkdown = (markdown: string) => Root;

const parseGfm: ParseMarkdown = (markdown) =>
  fromMarkdown(markdown, { extensions: MICROMARK, mdastExtensions: MDAST });

/** Containers whose text is the commenter speaking; any other node hides its text (and is code/quote). */
const SPEAKING = new Set(["root", "paragraph", "heading", "list", "listItem", "emphasis", "strong", "break"]);
/** Blocks that close the HTML elements opened inside them. */
const SCOPES = new Set(["root", "blockquote", "listItem", "footnoteDefinition", "tableCell"]);
/** Where inline content ends; one that reaches the end of a cut text may go on past it. */
const INLINE_BLOCKS = new Set(["paragraph", "heading", "tableCell"]);

interface Scope {
  open: Map<string, number>;
  quoteStarts: number[];
}

/**
 * Maps `text` (already sanitized) with a GFM parser: where the commenter speaks, where code and quotes are.
 * `parse` is injectable so that tests can see what is parsed.
 */
export function mapProse(text: string, parse: ParseMarkdown = parseGfm): ProseMap {
  const nothing: ProseMap = { prose: [], code: [], quotes: [], readUpTo: 0 };
  const { end, complete } = readWindow(text);
  const header = complete ? "" : definitionsAfter(text.slice(end));
  if (header === undefined) return nothing;
  let root: Root;
  try {
    root = parse(header + text.slice(0, end));
  } catch {
    // Too deep for the stack, or any other failure: nothing counts (the safe direction).
    return nothing;
  }
  const prefix = text.slice(0, end);
  // Cut in the middle of a paragraph, the text after the cut could still close a code span or a link
  // opened before it, or turn its last line into a table header: such a paragraph does not count.
  const openEnded = !complete && !/\n[ \t]*\n$/.test(prefix);
  return new Walk(text, header.length, end, openEnded ? prefix.trimEnd().length : Infinity).run(root);
}

class Walk {
  private readonly map: ProseMap;
  private readonly scopes: Scope[] = [];
  /** How many elements of UNSPOKEN_ELEMENTS are open, in all scopes. */
  private hidden = 0;

  constructor(
    private readonly text: string,
    private readonly shift: number,
    readUpTo: number,
    private readonly unsafeFrom: number,
  ) {
    this.map = { prose: [], code: [], quotes: [], readUpTo };
  }

  run(root: Root): ProseMap {
    this.visit(root, true);
    return this.map;
  }

  private span(node: Nodes): Span | undefined {
    const from = node.position?.start.offset;
    const to = node.position?.end.offset;
    if (from === undefined || to === undefined) return undefined;
    return { from: from - this.shift, to: to - this.shift };
  }

  private visit(node: Nodes, speaking: boolean): void {
    const at = this.span(node);
    // Nodes without a position cannot be mapped back; the re-declared definitions lie before 0.
    if (!at || at.to <= 0) return;
    switch (node.type) {
      case "text":
        if (speaking && this.hidden === 0) this.map.prose.push(at);
        return;
      case "html":
        this.html(node, at, speaking);
        return;
      case "code":
      case "inlineCode":
        this.map.code.push(at);
        return;
      case "blockquote":
        this.map.quotes.push(this.wholeLines(at));
        break;
    }
    if (!("children" in node)) return;
    const keep =
      speaking && SPEAKING.has(node.type) && !(INLINE_BLOCKS.has(node.type) && at.to >= this.unsafeFrom);
    const scoped = SCOPES.has(node.type);
    if (scoped) this.scopes.push({ open: new Map(), quoteStarts: [] });
    for (const child of node.children) this.visit(child, keep);
    if (scoped) this.close(this.scopes.pop(), node.type === "root" ? this.text.length : at.to);
  }

  /** Elements still open when their block ends are closed by it (quotes run to the end of the block). */
  private close(scope: Scope | undefined, to: number): void {
    if (!scope) return;
    for (const n of scope.open.values()) this.hidden -= n;
    for (const from of scope.quoteStarts) this.map.quotes.push({ from, to });
  }

  /**
   * Raw HTML, a tag of inline HTML or a whole HTML block: tags open and close elements (tracked across
   * siblings, in the innermost scope), text between tags counts when no hiding element is open.
   */
  private html(node: Html, at: Span, speaking: boolean): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (!scope) return;
    const place = this.placer(node.value, at);
    for (const piece of htmlPieces(node.value)) {
      if (piece.kind === "text") {
        if (!speaking || this.hidden > 0) continue;
        for (const s of place(piece.from, piece.to)) this.map.prose.push(s);
        continue;
      }
      if (!UNSPOKEN_ELEMENTS.has(piece.name)) continue;
      const count = scope.open.get(piece.name) ?? 0;
      if (piece.kind === "open") {
        scope.open.set(piece.name, count + 1);
        this.hidden++;
        if (piece.name === "blockquote")
          scope.quoteStarts.push(place(piece.from, piece.to)[0]?.from ?? at.from);
      } else if (count > 0) {
        // An end tag closes only an element opened in the same block (HTML ignores the others).
        scope.open.set(piece.name, count - 1);
        this.hidden--;
        const from = piece.name === "blockquote" ? scope.quoteStarts.pop() : undefined;
        if (from !== undefined)
          this.map.quotes.push({ from, to: place(piece.from, piece.to)[0]?.to ?? at.to });
      }
    }
  }

  /**
   * Maps a range of an html node's value to spans of the text. Inside a container the value lacks the
   * container's line prefixes (`> `, indentation): each value line is then the end of its source line.
   * When the lines do not line up, nothing is mapped (and nothing counts).
   */
  private placer(value: string, at: Span): (from: number, to: number) => Span[] {
    const source = this.text.slice(at.from, at.to);
    if (source === value) return (from, to) => [{ from: at.from + from, to: at.from + to }];
    const valueLines = value.split("\n");
    const sourceLines = source.split("\n");
    if (valueLines.length !== sourceLines.length) return () => [];
    // For each value line: where it starts in the value and in the text.
    const starts: { value: number; text: number; length: number }[] = [];
    let v = 0;
    let t = at.from;
    for (let i = 0; i < valueLines.length; i++) {
      const vl = valueLines[i] ?? "";
      const sl = sourceLines[i] ?? "";
      if (!sl.endsWith(vl)) return () => [];
      starts.push({ value: v, text: t + sl.length - vl.length, length: vl.length });
      v += vl.length + 1;
      t += sl.length + 1;
    }
    return (from, to) => {
      const spans: Span[] = [];
      for (const line of starts) {
        const a = Math.max(from, line.value);
        const b = Math.min(to, line.value + line.length);
        if (a < b) spans.push({ from: line.text + a - line.value, to: line.text + b - line.value });
      }
      return spans;
    };
  }

  private wholeLines(at: Span): Span {
    const from = this.text.lastIndexOf("\n", at.from - 1) + 1;
    const newline = this.text.indexOf("\n", at.to);
    return { from, to: newline < 0 ? this.text.length : newline };
  }
}
