import { mapProse, type ProseMap, type Span } from "./map-prose.js";
import { sanitizeUserText } from "./sanitize-text.js";

export interface Mention {
  mentioned: boolean;
  /** The sanitized body without quoted lines and without the mention; "" when not mentioned. */
  instruction: string;
}

const NONE: Mention = { mentioned: false, instruction: "" };

/**
 * Whether `body` mentions `phrase` (like "@patchwright") where the commenter is speaking, and what it asks.
 *
 * The body is parsed as GitHub Flavored Markdown (see map-prose.ts). A mention counts in paragraphs,
 * headings and list items (bold or italic too) and in the text of raw HTML. It does not count in code
 * (fenced, indented, inline, `<code>`, `<pre>`, `<kbd>`, `<samp>`, `<tt>`), in quotes (`>` lines with their
 * lazy continuation lines, `<blockquote>`, `<q>`), in link text, in tables, in footnote definitions, in
 * struck-out text, in `<details>`, in HTML comments or image alt text (removed by sanitizing), nor past
 * the first READ_LIMIT characters.
 *
 * Only as a whole word, case-insensitively. Not: `ops@patchwright.dev`, `@patchwright-bot`,
 * `@patchwright_x`, `@patchwrights`, `@patchwright/team`. Punctuation right after it is fine: `@patchwright:`.
 *
 * The body is sanitized first, so an invisible character between `@` and the name (`@\u200Bpatchwright`)
 * does not hide the mention: a reader sees "@patchwright", and patchwright treats it as one.
 */
export function findMention(body: string, phrase: string): Mention {
  const wanted = phrase.trim();
  if (wanted === "") return NONE;
  const text = sanitizeUserText(body);
  // Most comments never name the bot: they are not parsed at all.
  if (!mentionPattern(wanted).test(text)) return NONE;
  const map = mapProse(text);
  const found = mentionPattern(wanted).exec(keepOnly(text, map.prose));
  if (!found) return NONE;
  let end = found.index + found[0].length;
  if (text[end] === ":" || text[end] === ",") end++;
  return { mentioned: true, instruction: buildInstruction(text, map, found.index, end) };
}

/**
 * `text` with all code — fenced and indented blocks, inline code spans — replaced by spaces (line breaks
 * kept), for rules that must not read words inside code. Past READ_LIMIT nothing is read.
 */
export function maskCode(text: string): string {
  // Without a backtick, a tilde, a tab or four spaces in a row there is no code: skip the parser.
  if (!/[`~\t]| {4}/.test(text)) return text;
  const map = mapProse(text);
  return blank(text, [...map.code, { from: map.readUpTo, to: text.length }]);
}

/** `text` with the characters in `spans` replaced by spaces, line breaks kept. Same length. */
function blank(text: string, spans: readonly Span[]): string {
  const chars = text.split("");
  for (const { from, to } of spans) {
    for (let i = Math.max(0, from); i < Math.min(to, chars.length); i++) {
      if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = " ";
    }
  }
  return chars.join("");
}

/** `text` with everything outside `spans` replaced by spaces, line breaks kept. Same length. */
function keepOnly(text: string, spans: readonly Span[]): string {
  const chars = text.replace(/[^\n]/g, " ").split("");
  for (const { from, to } of spans) {
    for (let i = Math.max(0, from); i < Math.min(to, chars.length); i++) chars[i] = text[i]!;
  }
  return chars.join("");
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

/** Past the parsed part, a line starting with `>` (after list markers) is taken for a quote. */
const QUOTE_LINE = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*>/;

/**
 * The body without quotes and without the mention: Markdown quotes go as whole lines, `<blockquote>`
 * elements as they stand (a line left blank by that goes too); on the mention's line the words around it
 * stay.
 */
function buildInstruction(text: string, map: ProseMap, from: number, to: number): string {
  const dropped = new Uint8Array(text.length);
  for (const q of map.quotes) dropped.fill(1, Math.max(0, q.from), Math.min(q.to, text.length));
  const kept = (a: number, b: number): string => {
    let s = "";
    for (let i = a; i < b; i++) if (!dropped[i]) s += text[i];
    return s;
  };
  const lines: string[] = [];
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    if (from >= start && from <= end) {
      const before = kept(start, from);
      let after = kept(to, end);
      if (before.trim() === "" || /\s$/.test(before)) after = after.replace(/^[ \t]+/, "");
      lines.push(before.trim() === "" ? after : after === "" ? before.trimEnd() : before + after);
    } else if (!(start >= map.readUpTo && QUOTE_LINE.test(text.slice(start, end)))) {
      const line = kept(start, end);
      const lostSome = dropped.subarray(start, end).includes(1);
      if (!(lostSome && line.trim() === "")) lines.push(line);
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  return lines.join("\n").trim();
}
