import { sanitizeUserText } from "./sanitize-text.js";

export interface Mention {
  mentioned: boolean;
  /** The sanitized body without quoted lines and without the mention; "" when not mentioned. */
  instruction: string;
}

/**
 * Whether `body` mentions `phrase` (like "@patchwright") where a reader sees a mention, and what it asks.
 *
 * A mention counts only as a whole word, case-insensitively, outside code (fenced blocks, inline code
 * spans, `<code>` and `<pre>` elements), outside quoted lines (`> ...`, also nested and inside list items)
 * and outside HTML comments. Not: `ops@patchwright.dev`, `@patchwright-bot`, `@patchwright_x`,
 * `@patchwrights`, `@patchwright/team`. Punctuation right after it is fine: `@patchwright:`.
 *
 * The body is sanitized first, so an invisible character between `@` and the name (`@\u200Bpatchwright`)
 * does not hide the mention: a reader sees "@patchwright", and patchwright treats it as one.
 *
 * Indented code blocks (four spaces, no fence) are not recognised as code; a mention there counts.
 * A line right below a quote without its own `>` ("lazy continuation") is the author's own text and counts.
 */
export function findMention(body: string, phrase: string): Mention {
  const wanted = phrase.trim();
  const text = sanitizeUserText(body);
  if (wanted === "") return { mentioned: false, instruction: "" };
  const lines = classifyLines(text);
  const prose = maskedProse(text, lines);

  const found = mentionPattern(wanted).exec(prose);
  if (!found) return { mentioned: false, instruction: "" };
  let end = found.index + found[0].length;
  if (text[end] === ":" || text[end] === ",") end++;
  return { mentioned: true, instruction: buildInstruction(text, lines, found.index, end) };
}

/**
 * `text` with all code — fenced blocks and inline code spans — replaced by spaces (line breaks kept), for
 * rules that must not read words inside code.
 */
export function maskCode(text: string): string {
  const lines = classifyLines(text).map((l) => (l.kind === "quote" ? { ...l, kind: "text" as const } : l));
  return maskedProse(text, lines, false);
}

type LineKind = "text" | "quote" | "code";

interface Line {
  start: number;
  /** Index of the line's "\n", or text.length. */
  end: number;
  kind: LineKind;
}

const LIST_MARKER = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const QUOTE = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*>/;
const FENCE_OPEN = /^([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*)(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^([ \t]*)(`{3,}|~{3,})[ \t]*$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const CODE_ELEMENT = /<(code|pre)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Width of leading whitespace, a tab advancing to the next multiple of 4. */
function indentOf(s: string): number {
  let width = 0;
  for (const c of s) {
    if (c === " ") width++;
    else if (c === "\t") width += 4 - (width % 4);
    else break;
  }
  return width;
}

/**
 * Splits text into lines: code (fence lines and everything inside a fence), quotes (outside code) and
 * text. A fence opens when indented up to 3 spaces, after list markers (`- ```), or at any indentation
 * inside a list; it closes with a run of the same character at least as long; unterminated, it runs to
 * the end. Fences inside quotes are not tracked: the quote lines are excluded anyway.
 */
function classifyLines(text: string): Line[] {
  const lines: Line[] = [];
  let fence: { char: string; length: number; column: number } | undefined;
  let inList = false;
  let previousBlank = true;
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    let kind: LineKind = "text";
    const insideFence = fence !== undefined;
    if (fence) {
      kind = "code";
      const close = FENCE_CLOSE.exec(line);
      if (
        close &&
        close[2]![0] === fence.char &&
        close[2]!.length >= fence.length &&
        indentOf(close[1]!) <= Math.max(3, fence.column + 3)
      ) {
        fence = undefined;
      }
    } else if (QUOTE.test(line)) {
      kind = "quote";
    } else {
      const open = FENCE_OPEN.exec(line);
      const prefix = open?.[1] ?? "";
      const afterMarker = LIST_MARKER.test(prefix);
      const info = open?.[3] ?? "";
      if (
        open &&
        (afterMarker || indentOf(prefix) <= 3 || inList) &&
        !(open[2]![0] === "`" && info.includes("`"))
      ) {
        kind = "code";
        fence = {
          char: open[2]![0]!,
          length: open[2]!.length,
          column: indentOf(prefix.replace(/[^ \t]/g, " ")),
        };
      }
    }
    const blank = line.trim() === "";
    if (!insideFence) {
      if (LIST_MARKER.test(line) && indentOf(line) <= 3) inList = true;
      else if (!blank && indentOf(line) === 0 && previousBlank && kind === "text") inList = false;
    }
    previousBlank = blank;
    lines.push({ start, end, kind });
    if (newline < 0) break;
    start = newline + 1;
  }
  return lines;
}

/**
 * The text with everything but prose replaced by spaces (line breaks kept): code lines, quote lines,
 * inline code spans and `<code>`/`<pre>` elements. Same length as `text`, so indexes carry over.
 */
function maskedProse(text: string, lines: readonly Line[], elements = true): string {
  const masked = text.split("");
  const mask = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (masked[i] !== "\n") masked[i] = " ";
  };
  // Paragraph-like runs of text lines: inline code spans cannot cross a blank line or a block start.
  let run: Line[] = [];
  const flush = (): void => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) maskCodeSpans(text, first.start, last.end, mask);
    run = [];
  };
  for (const line of lines) {
    const content = text.slice(line.start, line.end);
    if (line.kind !== "text") {
      flush();
      mask(line.start, line.end);
    } else if (content.trim() === "") {
      flush();
    } else if (LIST_MARKER.test(content) || HEADING.test(content)) {
      flush();
      run.push(line);
    } else {
      run.push(line);
    }
  }
  flush();
  let result = masked.join("");
  if (elements) {
    for (const m of result.matchAll(CODE_ELEMENT)) mask(m.index, m.index + m[0].length);
    result = masked.join("");
  }
  return result;
}

/**
 * Inline code spans in text[from, to): a run of n backticks up to the next run of exactly n backticks;
 * without one, the backticks are literal. A backslash escapes a backtick outside code only.
 */
function maskCodeSpans(
  text: string,
  from: number,
  to: number,
  mask: (from: number, to: number) => void,
): void {
  const runLength = (at: number): number => {
    let n = 0;
    while (at + n < to && text[at + n] === "`") n++;
    return n;
  };
  for (let i = from; i < to;) {
    const c = text[i];
    if (c === "\\" && i + 1 < to && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      i += 2;
    } else if (c === "`") {
      const n = runLength(i);
      let close = -1;
      for (let j = i + n; j < to;) {
        if (text[j] === "`") {
          const m = runLength(j);
          if (m === n) {
            close = j;
            break;
          }
          j += m;
        } else {
          j++;
        }
      }
      if (close < 0) {
        i += n;
      } else {
        mask(i, close + n);
        i = close + n;
      }
    } else {
      i++;
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The phrase as a whole word. Before it: not a letter, digit, `_`, `.`, `+`, `-`, `/`, `@` or backslash
 * (e-mail addresses, URLs, escaped text). After it: not a letter, digit or `_`, and not `-`, `.` or `/`
 * followed by a letter or digit (a longer login, a domain, a team).
 */
function mentionPattern(phrase: string): RegExp {
  return new RegExp(
    `(?<![\\p{L}\\p{N}\\p{M}_.+\\-/@\\\\])${escapeRegExp(phrase)}(?![\\p{L}\\p{N}\\p{M}_]|[-./][\\p{L}\\p{N}])`,
    "iu",
  );
}

function buildInstruction(text: string, lines: readonly Line[], from: number, to: number): string {
  const kept: string[] = [];
  for (const line of lines) {
    if (line.kind === "quote") continue;
    if (from >= line.start && from <= line.end) {
      const before = text.slice(line.start, from);
      let after = text.slice(to, line.end);
      if (before.trim() === "" || /\s$/.test(before)) after = after.replace(/^[ \t]+/, "");
      kept.push(before.trim() === "" ? after : after === "" ? before.trimEnd() : before + after);
    } else {
      kept.push(text.slice(line.start, line.end));
    }
  }
  return kept.join("\n").trim();
}
